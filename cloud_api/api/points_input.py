"""Parsing and validating the JSON of the point endpoints: each bad field becomes a FieldError
with a stable code and Japanese text, all of them reported together as one 422."""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import g, request

from cloud_api.context import cloud
from cloud_api.errors import ApiError, FieldError, ValidationError, api_message
from cloud_api.services.cards import CardHolderRef
from cloud_api.services.ledger.refs import MAX_AMOUNT
from cloud_api.services.ledger.usable import UsableCache

# ASCII only and matched whole (fullmatch): `\d` would pass full-width digits, which int()
# reads ('００００００００１' → 1), and `$` would pass a trailing newline
POINT_ID = re.compile(r"[0-9]{8}")
VOUCHER_NO = re.compile(r"[0-9]{12}")
MYKEY_ID = re.compile(r"[0-9A-Z]{8}")
GRANT_BUSINESS_ID = re.compile(r"[0-9]{4}")
CLIENT_REF = re.compile(r"[A-Za-z0-9_-]{1,64}")


def field(name: str, code: str, **params: object) -> FieldError:
    return FieldError(name, code, api_message(code, **params))


def check(errors: list[FieldError | None]) -> None:
    found = [e for e in errors if e is not None]
    if found:
        raise ValidationError(errors=found)


def amount_error(data: dict[str, Any], name: str = "amount") -> FieldError | None:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_AMOUNT:
        return field(name, "amount_invalid")
    return None


def pattern_error(data: dict[str, Any], name: str, pattern: re.Pattern[str],
                  code: str) -> FieldError | None:
    value = data.get(name)
    if value is None or value == "":
        return field(name, "field_required", field=name)
    if not isinstance(value, str) or not pattern.fullmatch(value):
        return field(name, code)
    return None


def token_error(data: dict[str, Any]) -> FieldError | None:
    value = data.get("card_token")
    if not isinstance(value, str) or not value or len(value) > 600:
        return field("card_token", "field_required", field="card_token")
    return None


def operation_fields(data: dict[str, Any], *extra: FieldError | None,
                     shopping_card_ok: bool = False) -> CardHolderRef:
    """card_token + point_id + amount (+ `extra`) checked together, then the holder the card
    token names (a shopping card's token only if `shopping_card_ok`: a merge)."""
    check([token_error(data), pattern_error(data, "point_id", POINT_ID, "point_id_invalid"),
           amount_error(data), *extra])
    return holder_of(data, shopping_card_ok)


def usable_cache() -> UsableCache:
    """The app's cache of usable points (static data: not re-read on every request)."""
    return cloud().usable_points


def holder_of(data: dict[str, Any], shopping_card_ok: bool = False) -> CardHolderRef:
    """The holder the card token names, bound to the calling terminal (401 otherwise)."""
    c = cloud()
    return c.card_tokens.resolve(data["card_token"], g.terminal.terminal_id, c.clock.now(),
                                 shopping_card_ok=shopping_card_ok)


def voucher_no(value: str) -> str:
    if not VOUCHER_NO.fullmatch(value):
        raise ValidationError("voucher_no_invalid",
                              errors=[field("voucher_no", "voucher_no_invalid")])
    return value


def period() -> tuple[date, date]:
    """?from=YYYY-MM-DD&to=YYYY-MM-DD, from <= to, at most 366 days."""
    try:
        frm = date.fromisoformat(request.args.get("from", ""))
        to = date.fromisoformat(request.args.get("to", ""))
    except ValueError:
        raise ApiError("report_period_invalid", 422) from None
    if len(request.args["from"]) != 10 or len(request.args["to"]) != 10:
        raise ApiError("report_period_invalid", 422)
    if frm > to or (to - frm).days > 366:
        raise ApiError("report_period_invalid", 422)
    return frm, to
