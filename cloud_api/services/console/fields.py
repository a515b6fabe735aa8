"""Field rules of the console forms (画面4, 5-1, 63): limits, digits, codes, dates.

Each check returns Japanese `FieldError`s and never raises, so a form can show every mistake at
once. The limits are the seed's (50/15/120/255/30/4/30/5/8/30 characters).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from cloud_api.errors import FieldError, api_message
from cloud_api.messages import message
from cloud_api.services.validation import CONTROL, EMAIL

DIGITS = re.compile(r"[0-9]+")
# codes of accounts.ACCOUNT_TYPES (the CHECK constraint) -> labels
ACCOUNT_TYPES = {"": "未選択", "ordinary": "普通預金", "current": "当座預金", "postal": "郵便貯金"}


@dataclass(frozen=True)
class Rule:
    """One text field: its label, maximum length and shape."""

    label: str
    max_len: int
    required: bool = False
    digits: bool = False
    exact_len: int | None = None
    email: bool = False


def check_text(name: str, value: str, rule: Rule) -> list[FieldError]:
    """Length, required and shape checks of one text field."""
    if not value:
        return [_err(name, "required", "web_field_required", rule)] if rule.required else []
    if CONTROL.search(value):   # Excel refuses them: the reports would break
        return [_err(name, "invalid", "web_field_control", rule)]
    if rule.digits and not DIGITS.fullmatch(value):
        key = "web_field_hyphen" if "-" in value else "web_field_digits"
        return [_err(name, "digits", key, rule)]
    if len(value) > rule.max_len:
        return [_err(name, "too_long", "web_field_too_long", rule, max_len=rule.max_len)]
    if rule.exact_len is not None and len(value) != rule.exact_len:
        return [_err(name, "length", "web_field_exact_len", rule, length=rule.exact_len)]
    if rule.email and not EMAIL.fullmatch(value):
        return [_err(name, "email", "web_field_email", rule)]
    return []


def check_form(values: dict[str, str], rules: dict[str, Rule]) -> list[FieldError]:
    errors: list[FieldError] = []
    for name, rule in rules.items():
        errors.extend(check_text(name, values.get(name, ""), rule))
    return errors


def municipality_check_digit(first5: str) -> int:
    """d6 = (11 - (6*d1+5*d2+4*d3+3*d4+2*d5) mod 11) mod 10 (全国地方公共団体コード)."""
    total = sum(int(d) * w for d, w in zip(first5, (6, 5, 4, 3, 2)))
    return (11 - total % 11) % 10


def check_municipality_code(name: str, value: str) -> list[FieldError]:
    if not re.fullmatch(r"[0-9]{6}", value or ""):
        return [FieldError(name, "format", message("web_code_format"))]
    if municipality_check_digit(value[:5]) != int(value[5]):
        return [FieldError(name, "check_digit", message("web_code_check_digit"))]
    return []


def parse_positive_int(name: str, value: str, label: str, maximum: int) -> tuple[int | None, list[FieldError]]:
    """A whole number 1..maximum typed by a person (half-width digits)."""
    if not DIGITS.fullmatch(value or ""):
        return None, [FieldError(name, "integer", message("web_field_integer", label=label, maximum=maximum))]
    number = int(value)
    if not 1 <= number <= maximum:
        return None, [FieldError(name, "range", message("web_field_integer", label=label, maximum=maximum))]
    return number, []


YEARS = range(2000, 2100)   # dates the service can mean; 9999/12/31 + 1 day overflows


def parse_date(name: str, value: str, label: str) -> tuple[date | None, list[FieldError]]:
    """YYYY-MM-DD (the date input) or YYYY/MM/DD (as the seed writes it), 2000-2099."""
    for fmt in ("%Y-%m-%d", "%Y/%m/%d"):
        try:
            day = datetime.strptime((value or "").strip(), fmt).date()
        except ValueError:
            continue
        if day.year in YEARS:
            return day, []
    return None, [FieldError(name, "date", message("web_field_date", label=label))]


def parse_period(start: str, end: str, required: bool = True) -> tuple[tuple[date, date] | None, list[FieldError]]:
    """A from-to period whose end is not before its start."""
    first, errs1 = parse_date("period_from", start, "開始日")
    last, errs2 = parse_date("period_to", end, "終了日")
    if errs1 or errs2:
        return None, errs1 + errs2
    assert first is not None and last is not None
    if last < first:
        return None, [FieldError("period_to", "order", message("web_period_order"))]
    return (first, last), []


def _err(name: str, code: str, key: str, rule: Rule, **params: object) -> FieldError:
    return FieldError(name, code, api_message(key, label=rule.label, **params))
