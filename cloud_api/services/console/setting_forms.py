"""The field sets of 画面4 (自治体ポイント設定) and 画面5-1 (特定支援イベント設定) and their checks.

Forms arrive as plain dicts of strings; `read_*` returns the cleaned values or every FieldError.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from cloud_api.errors import FieldError
from cloud_api.messages import message
from cloud_api.services.console.fields import (
    ACCOUNT_TYPES,
    Rule,
    check_form,
    check_municipality_code,
    parse_period,
    parse_positive_int,
)

POINT_RULES = {"point_name": Rule("ポイント名", 50, required=True)}
TOWN_RULES = {
    "municipality_name": Rule("自治体名", 50, required=True),
    "department": Rule("所属(ポイント担当)", 50),
    "person": Rule("担当者名", 15),
    "postal_code": Rule("郵便番号", 7, digits=True, exact_len=7),
    "address": Rule("住所", 120),
    "phone": Rule("電話番号", 11, digits=True),
    "email": Rule("メールアドレス", 255, email=True),
}
BANK_RULES = {
    "bank_name": Rule("機関名", 30),
    "bank_code": Rule("機関コード", 4, digits=True),
    "bank_branch": Rule("支店名", 30),
    "bank_branch_code": Rule("支店コード", 5, digits=True),
    "bank_account_number": Rule("口座番号", 8, digits=True),
    "bank_account_holder": Rule("口座名義人", 30),
}
BANK_FIELDS = (*BANK_RULES, "bank_account_type")
TOWN_FIELDS = ("municipality_code", *TOWN_RULES)
POINT_FIELDS = ("point_name", "validity_days", *TOWN_FIELDS, *BANK_FIELDS)
EVENT_FIELDS = (*POINT_FIELDS, "service_from", "service_to", "show_on_mypage")
MAX_VALIDITY_DAYS = 3650


@dataclass
class SettingForm:
    """The cleaned values of one point or event form (strings as typed, numbers parsed)."""

    values: dict[str, str]
    validity_days: int = 0
    service_from: date | None = None
    service_to: date | None = None
    errors: list[FieldError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def bank(self) -> dict[str, str | None]:
        return {name: (self.values.get(name) or None) for name in BANK_FIELDS}

    def error_map(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for e in self.errors:
            out.setdefault(e.field, e.message)
        return out


def clean(raw: dict[str, str], names: tuple[str, ...]) -> dict[str, str]:
    """Strip surrounding spaces (full-width too) of the known fields; ignore everything else."""
    return {name: (raw.get(name) or "").strip().strip("\u3000") for name in names}


def read_point_form(raw: dict[str, str], own_code: str) -> SettingForm:
    form = SettingForm(clean(raw, POINT_FIELDS))
    _common(form, own_code)
    return form


def read_event_form(raw: dict[str, str], own_code: str) -> SettingForm:
    form = SettingForm(clean(raw, EVENT_FIELDS))
    _common(form, own_code)
    period, errors = parse_period(form.values["service_from"], form.values["service_to"])
    form.errors += [_rename(e) for e in errors]
    if period:
        form.service_from, form.service_to = period
    if form.values["show_on_mypage"] not in ("1", "0"):
        form.errors.append(FieldError("show_on_mypage", "choice",
                                      message("web_field_choice", label="マイページ表示有無")))
    return form


def _common(form: SettingForm, own_code: str) -> None:
    v = form.values
    form.errors += check_form(v, {**POINT_RULES, **TOWN_RULES, **BANK_RULES})
    days, errors = parse_positive_int("validity_days", v["validity_days"], "有効期限(日数)",
                                      MAX_VALIDITY_DAYS)
    form.errors += errors
    form.validity_days = days or 0
    form.errors += _code_errors(v["municipality_code"], own_code)
    if v["bank_account_type"] not in ACCOUNT_TYPES:
        form.errors.append(FieldError("bank_account_type", "choice",
                                      message("web_field_choice", label="口座種別")))


def _code_errors(code: str, own_code: str) -> list[FieldError]:
    errors = check_municipality_code("municipality_code", code)
    if not errors and code != own_code:
        errors = [FieldError("municipality_code", "not_own", message("web_code_not_own"))]
    return errors


def _rename(error: FieldError) -> FieldError:
    """parse_period names its fields period_*; the event form calls them service_*."""
    name = error.field.replace("period_", "service_")
    return FieldError(name, error.code, error.message)
