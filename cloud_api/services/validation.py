"""Field rules shared by the account services: formats, lengths, the municipality check digit.

Each `check_*` returns a FieldError or None so callers can collect every problem of a request
and reject it as a whole (422 with one entry per field) before touching the database.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from cloud_api.errors import FieldError, ValidationError, api_message

TERMINAL_ID = re.compile(r"^[0-9]{8}$")
MYKEY_ID = re.compile(r"^[0-9A-Z]{8}$")
ID_BUSINESS_ID = re.compile(r"^[0-9]{6}$")
GRANT_BUSINESS_ID = re.compile(r"^[0-9]{4}$")
POSTAL_CODE = re.compile(r"^[0-9]{7}$")
# 画面10's rules, as the terminal applies them (terminal_app/domain/contact.py): a phone number is
# digit groups joined by single hyphens; an e-mail address is an ASCII local part and a domain of
# dot-separated labels (letters, digits, inner hyphens).
PHONE = re.compile(r"^[0-9]+(?:-[0-9]+)*$")
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")
CUSTOMER_ID = re.compile(r"^[0-9A-Za-z-]{1,20}$")
HEX_SERIAL = re.compile(r"^[0-9A-Fa-f]{1,64}$")
MYPAGE_PASSWORD = re.compile(r"^[0-9A-Za-z]{6,16}$")
# control characters (line breaks included): never part of a name, place or address, and Excel
# refuses them, so one in a place name would break the municipality's settlement workbook
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def digits(text: str, max_len: int) -> bool:
    """1 to `max_len` ASCII digits. (str.isdigit alone also passes '¹', which int() refuses, and
    '３', which int() reads; an unbounded string can pass int()'s limit or a column's range.)"""
    return 0 < len(text) <= max_len and text.isascii() and text.isdigit()


def municipality_check_digit(first5: str) -> int:
    """d6 = (11 - (6*d1 + 5*d2 + 4*d3 + 3*d4 + 2*d5) mod 11) mod 10."""
    total = sum(int(d) * w for d, w in zip(first5, (6, 5, 4, 3, 2)))
    return (11 - total % 11) % 10


def is_municipality_code(code: object) -> bool:
    if not isinstance(code, str) or not re.fullmatch(r"[0-9]{6}", code):
        return False
    return municipality_check_digit(code[:5]) == int(code[5])


def is_prefecture_code(code: str) -> bool:
    """Prefecture codes are PP000 + check digit (e.g. 360007 徳島県)."""
    return is_municipality_code(code) and code[2:5] == "000"


def field_error(name: str, code: str, **params: Any) -> FieldError:
    return FieldError(name, code, api_message(f"acct_field_{code}", **params))


def check_text(data: dict[str, Any], name: str, max_len: int, required: bool = True,
               ) -> FieldError | None:
    """A string of 1..max_len characters (or absent/None when not required)."""
    value = data.get(name)
    if value is None or value == "":
        return field_error(name, "required") if required else None
    if not isinstance(value, str) or value.strip() != value or CONTROL.search(value):
        return field_error(name, "invalid_format")
    if len(value) > max_len:
        return field_error(name, "too_long", max_len=max_len)
    return None


def check_pattern(data: dict[str, Any], name: str, pattern: re.Pattern[str],
                  required: bool = True) -> FieldError | None:
    value = data.get(name)
    if value is None or value == "":
        return field_error(name, "required") if required else None
    if not isinstance(value, str) or not pattern.fullmatch(value):
        return field_error(name, "invalid_format")
    return None


def check_bool(data: dict[str, Any], name: str, required: bool = True) -> FieldError | None:
    value = data.get(name)
    if value is None:
        return field_error(name, "required") if required else None
    return None if isinstance(value, bool) else field_error(name, "invalid_format")


def check_phone(data: dict[str, Any], name: str = "phone") -> FieldError | None:
    problem = check_pattern(data, name, PHONE)
    if problem is None and len(data[name].replace("-", "")) > 15:
        return field_error(name, "too_long", max_len=15)
    return problem


def check_email(data: dict[str, Any], name: str = "email", required: bool = True,
                ) -> FieldError | None:
    return check_text(data, name, 255, required) or check_pattern(data, name, EMAIL, required)


def raise_if(problems: Iterable[FieldError | None]) -> None:
    """Reject the request (422 validation_failed) when any check found a problem."""
    errors = [p for p in problems if p is not None]
    if errors:
        raise ValidationError(errors=errors)


def require_object(body: object) -> dict[str, Any]:
    """The JSON body must be an object; anything else is a 422 with no field."""
    if not isinstance(body, dict):
        raise ValidationError(errors=[field_error("body", "invalid_format")])
    return body


Check = Callable[[dict[str, Any]], FieldError | None]
