"""Terminals: the category permissions, password attempts, registration (画面9/10), contact.

A terminal of 様式II starts `issued` with only a password hash. Registration binds it to one
machine (Ed25519 public key + hardware fingerprint) and makes it `active`; the password cannot
register a second machine until the municipality resets the terminal (`reset_terminal`).
Failed password attempts are counted and lock the terminal at `max_failures`.
"""
from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cloud_api.errors import ApiError, AuthError, Conflict, NotFound, ValidationError
from cloud_api.models.accounts import IdBusiness, Municipality, Terminal
from cloud_api.services import validation as v
from cloud_api.services.passwords import (
    generate_password,
    hash_password,
    verify_password,
    verify_unknown,
)

log = logging.getLogger(__name__)

PERMISSION_RULES: dict[str, tuple[str, ...]] = {
    "service_id": ("A",), "spend": ("I", "A+"), "merge": ("I", "A+"), "voucher_issue": ("U",),
    "voucher_redeem": ("I", "U", "A+"), "grant": ("E",), "report_place": ("A", "I", "U", "E"),
}
CONTACT_FIELDS = ("place", "name", "person", "postal_code", "address", "phone", "email")


@dataclass(frozen=True)
class TerminalContext:
    """Who is calling: what every authenticated view and service may rely on."""

    terminal_id: str
    category: str
    also_point_use: bool
    municipality_code: str
    id_business_id: str | None
    place: str
    name: str
    permissions: frozenset[str]


@lru_cache(maxsize=16)
def permissions_for(category: str, also_point_use: bool) -> frozenset[str]:
    """docs/api.md's table: 'A+' means category A with also_point_use."""
    keys = {category} | ({"A+"} if category == "A" and also_point_use else set())
    return frozenset(p for p, allowed in PERMISSION_RULES.items() if keys & set(allowed))


def context_of(t: Terminal) -> TerminalContext:
    return context_from(t.terminal_id, t.category, t.also_point_use, t.municipality_code,
                        t.id_business_id, t.place, t.name)


def context_from(terminal_id: str, category: str, also_point_use: object,
                 municipality_code: str, id_business_id: str | None, place: str,
                 name: str) -> TerminalContext:
    """The context of a terminal given its columns (a row read with plain SQL)."""
    also = bool(also_point_use)
    return TerminalContext(terminal_id, category, also, municipality_code, id_business_id,
                           place, name, permissions_for(category, also))


def get_terminal(session: Session, terminal_id: str, *, lock: bool = False) -> Terminal:
    """The terminal row; `lock` holds it (FOR UPDATE) until the transaction ends."""
    terminal = session.get(Terminal, terminal_id, with_for_update=lock)
    if terminal is None:
        raise NotFound("terminal_not_found", terminal_id=terminal_id)
    return terminal


def attempt_password(session: Session, terminal_id: object, password: object,
                     max_failures: int) -> tuple[Terminal | None, ApiError | None]:
    """Check a terminal password; a failure is counted (commit it even though it is an error).

    Returns (terminal, None) on success, (terminal|None, error) otherwise. Unknown IDs and wrong
    passwords give the same answer so IDs cannot be probed.
    """
    if not isinstance(terminal_id, str) or not v.TERMINAL_ID.fullmatch(terminal_id) \
            or not isinstance(password, str) or not 1 <= len(password) <= 64:
        return None, AuthError("terminal_bad_credentials")
    terminal = session.get(Terminal, terminal_id, with_for_update=True)
    if terminal is None or terminal.state == "retired":
        verify_unknown(password)   # as long as a real check: IDs cannot be found by timing
        return None, AuthError("terminal_bad_credentials")
    if password_locked(terminal, max_failures):
        return terminal, ApiError("terminal_locked", 423)
    if verify_password(password, terminal.password_hash):
        terminal.failed_attempts = 0
        return terminal, None
    return terminal, _count_failure(terminal, max_failures)


def password_locked(terminal: Terminal, max_failures: int) -> bool:
    """Its password refused until the municipality unlocks it: a terminal not yet registered
    is locked whole; a registered one keeps working (its signed requests use its own key, not
    the password), so that anyone who knows its ID cannot stop it by guessing."""
    return terminal.state == "locked" or terminal.failed_attempts >= max_failures


def _count_failure(terminal: Terminal, max_failures: int) -> ApiError:
    terminal.failed_attempts += 1
    log.warning("wrong password for terminal %s (%d)", terminal.terminal_id,
                terminal.failed_attempts)
    if terminal.failed_attempts >= max_failures:
        if terminal.state != "active":
            terminal.state = "locked"
        log.warning("password of terminal %s locked after %d failures", terminal.terminal_id,
                    max_failures)
        return ApiError("terminal_locked", 423)
    return AuthError("terminal_bad_credentials")


def id_businesses_of(session: Session, municipality_code: str) -> list[IdBusiness]:
    q = select(IdBusiness).where(IdBusiness.municipality_code == municipality_code)
    return list(session.scalars(q.order_by(IdBusiness.id)))


def validate_contact(session: Session, terminal: Terminal, contact: object) -> dict[str, Any]:
    """画面10's rules; category A must name one of its municipality's ID businesses."""
    data = v.require_object(contact)
    v.raise_if([
        v.check_text(data, "place", 50), v.check_text(data, "name", 50),
        v.check_text(data, "person", 30), v.check_pattern(data, "postal_code", v.POSTAL_CODE),
        v.check_text(data, "address", 120), v.check_phone(data), v.check_email(data),
        _check_id_business(session, terminal, data)])
    return data


def _check_id_business(session: Session, terminal: Terminal, data: dict[str, Any]
                       ) -> v.FieldError | None:
    value = data.get("id_business_id")
    if terminal.category != "A":
        return None if value in (None, "") else v.field_error("id_business_id", "not_allowed")
    problem = v.check_pattern(data, "id_business_id", v.ID_BUSINESS_ID)
    if problem:
        return problem
    business = session.get(IdBusiness, value)
    if business is None or business.municipality_code != terminal.municipality_code:
        return v.field_error("id_business_id", "unknown")
    return None


def register(session: Session, terminal: Terminal, *, public_key: object, fingerprint: object,
             contact: object, now: datetime) -> Terminal:
    """Bind an `issued` terminal (password already checked) to this machine's key."""
    data = {"public_key": public_key, "fingerprint": fingerprint}
    v.raise_if([_check_public_key(data),
                v.check_pattern(data, "fingerprint", v.FINGERPRINT)])
    if terminal.state != "issued":
        raise Conflict("terminal_already_registered")
    fields = validate_contact(session, terminal, contact)
    _apply_contact(terminal, fields)
    terminal.public_key, terminal.fingerprint = str(public_key), str(fingerprint)
    terminal.state, terminal.registered_at = "active", now
    log.info("terminal %s registered", terminal.terminal_id)
    return terminal


def _check_public_key(data: dict[str, Any]) -> v.FieldError | None:
    value = data.get("public_key")
    if not isinstance(value, str) or not value:
        return v.field_error("public_key", "required")
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError:
        raw = b""
    return None if len(raw) == 32 else v.field_error("public_key", "invalid_format")


def _apply_contact(terminal: Terminal, data: dict[str, Any]) -> None:
    for name in CONTACT_FIELDS:
        setattr(terminal, name, data[name])
    if terminal.category == "A":
        terminal.id_business_id = data["id_business_id"]


def update_contact(session: Session, terminal_id: str, contact: object) -> Terminal:
    """連絡先の変更 from the terminal itself (same rules as registration)."""
    terminal = get_terminal(session, terminal_id)
    _apply_contact(terminal, validate_contact(session, terminal, contact))
    return terminal


def reset_terminal(session: Session, terminal_id: str, new_password: str | None = None,
                   *, generate: bool = False) -> str | None:
    """The municipality's reset: forget the machine, unlock, optionally set a new password.

    Returns the new password when one was generated (to hand to the terminal's manager).
    """
    terminal = get_terminal(session, terminal_id)
    if terminal.state == "retired":
        raise ValidationError("terminal_retired")
    if generate:
        new_password = generate_password()
    if new_password is not None:
        terminal.password_hash = hash_password(new_password)
    terminal.public_key = terminal.fingerprint = terminal.registered_at = None
    terminal.state, terminal.failed_attempts = "issued", 0
    log.info("terminal %s reset by the municipality", terminal_id)
    return new_password if generate else None


def id_business_of(session: Session, terminal: Terminal) -> IdBusiness | None:
    return session.get(IdBusiness, terminal.id_business_id) if terminal.id_business_id else None


def municipality_of(session: Session, terminal: Terminal) -> Municipality:
    municipality = session.get(Municipality, terminal.municipality_code)
    assert municipality is not None  # a foreign key guarantees it
    return municipality
