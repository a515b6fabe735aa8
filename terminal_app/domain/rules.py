"""Input rules shared by services, the UI and the CLI: each returns the clean value or raises
UserFacingError with the Japanese message (nothing is sent to the cloud before these pass).
"""
from __future__ import annotations

import re
import secrets
from datetime import date

from terminal_app.domain.contact import normalize
from terminal_app.domain.errors import UserFacingError

MAX_AMOUNT = 10_000_000
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
CUSTOMER_ID = re.compile(r"^[0-9A-Za-z-]{1,20}$")
MYKEY_ID = re.compile(r"^[A-Z0-9]{8}$")
MYKEY_PASSWORD = re.compile(r"^[A-Za-z0-9]{6,16}$")
SIGN_PASSWORD = re.compile(r"^[A-Z0-9]{6,16}$")


def terminal_id(text: str) -> str:
    value = normalize(text)
    if not re.fullmatch(r"[0-9]{8}", value):
        raise UserFacingError("terminal_id_format")
    return value


def amount(text: str | int, balance: int | None = None) -> int:
    """A positive integer number of points, not above `balance` when given."""
    value = normalize(str(text)).replace(",", "")
    if not re.fullmatch(r"[0-9]{1,9}", value) or not 0 < int(value) <= MAX_AMOUNT:
        raise UserFacingError("amount_format")
    if balance is not None and int(value) > balance:
        raise UserFacingError("amount_over_balance", balance=f"{balance:,}")
    return int(value)


def validity_days(text: str | int) -> int:
    value = normalize(str(text))
    if not re.fullmatch(r"[0-9]{1,2}", value) or not 1 <= int(value) <= 30:
        raise UserFacingError("validity_days_format")
    return int(value)


def voucher_no(text: str) -> str:
    """12 digits; hyphens and spaces (as printed / scanned) are ignored."""
    value = re.sub(r"[\s-]", "", normalize(text))
    if not re.fullmatch(r"[0-9]{12}", value):
        raise UserFacingError("voucher_no_format")
    return value


def customer_id(text: str, *, code: str = "customer_id_format") -> str:
    value = normalize(text)
    if not CUSTOMER_ID.match(value):
        raise UserFacingError(code)
    return value


def idempotency_key(text: str | None) -> str:
    """The given key (checked) or a fresh random one."""
    if text is None or text == "":
        return secrets.token_urlsafe(18)
    if not IDEMPOTENCY_KEY.match(text):
        raise UserFacingError("idempotency_key_format")
    return text


def auth_pin(text: str) -> str:
    if not re.fullmatch(r"[0-9]{4}", text or ""):
        raise UserFacingError("pin_format")
    return text


def sign_password(text: str) -> str:
    value = (text or "").upper()
    if not SIGN_PASSWORD.match(value):
        raise UserFacingError("sign_password_format")
    return value


def mykey_id(text: str) -> str:
    value = normalize(text).upper()
    if not MYKEY_ID.match(value):
        raise UserFacingError("mykey_id_format")
    return value


def mykey_password(password: str, confirm: str) -> str:
    if not MYKEY_PASSWORD.match(password or ""):
        raise UserFacingError("mykey_password_format")
    if password != confirm:
        raise UserFacingError("mykey_password_mismatch")
    return password


def period(start: str | date, end: str | date) -> tuple[date, date]:
    try:
        first = start if isinstance(start, date) else date.fromisoformat(normalize(start))
        last = end if isinstance(end, date) else date.fromisoformat(normalize(end))
    except ValueError as exc:
        raise UserFacingError("date_format") from exc
    if first > last:
        raise UserFacingError("date_range")
    return first, last
