"""Console login (画面2): staff logins and shop terminal logins, with lockout after failures.

A failed attempt is counted and must be committed even though the login is refused, so these
functions report the outcome as a `LoginOutcome` instead of raising. Passwords are compared with
the accounts area's scrypt helper and never logged.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cloud_api.models.accounts import Municipality, Terminal
from cloud_api.models.console import ConsoleUser
from cloud_api.services.console.identity import MUNICIPALITY, PARTNER, SHOP, ConsoleIdentity
from cloud_api.services.passwords import hash_password, verify_password
from cloud_api.services.terminals import attempt_password

log = logging.getLogger(__name__)
TERMINAL_ID = re.compile(r"[0-9]{8}")
# Terminals of these categories take part in point settlement, so they may see their own report.
SHOP_CATEGORIES = ("I", "U")


@dataclass(frozen=True)
class LoginOutcome:
    """The identity on success, else the message code to show."""

    identity: ConsoleIdentity | None = None
    error: str | None = None


def login(session: Session, login_id: str, password: str, max_failures: int) -> LoginOutcome:
    """Staff login ID first; an 8-digit ID that is no staff login is a terminal ID."""
    user = session.scalar(select(ConsoleUser).where(ConsoleUser.login_id == login_id))
    if user is not None:
        return _staff_login(session, user, password, max_failures)
    if TERMINAL_ID.fullmatch(login_id):
        return _terminal_login(session, login_id, password, max_failures)
    verify_password(password, _DUMMY_HASH)  # same work whether or not the ID exists
    return LoginOutcome(error="web_login_failed")


def _staff_login(session: Session, user: ConsoleUser, password: str, max_failures: int) -> LoginOutcome:
    if user.locked:
        return LoginOutcome(error="web_login_locked")
    if not verify_password(password, user.password_hash):
        user.failed_attempts += 1
        user.locked = user.failed_attempts >= max_failures
        log.info("console login failed for %s (%d)", user.login_id, user.failed_attempts)
        return LoginOutcome(error="web_login_locked" if user.locked else "web_login_failed")
    user.failed_attempts = 0
    return LoginOutcome(identity=_staff_identity(session, user))


def _staff_identity(session: Session, user: ConsoleUser) -> ConsoleIdentity:
    if user.role == PARTNER:
        return ConsoleIdentity(PARTNER, user.login_id, user.display_name,
                               partner_name=user.partner_name)
    town = session.get(Municipality, user.municipality_code)
    return ConsoleIdentity(MUNICIPALITY, user.login_id, user.display_name,
                           municipality_code=user.municipality_code,
                           municipality_name=town.name if town else None)


def _terminal_login(session: Session, terminal_id: str, password: str, max_failures: int) -> LoginOutcome:
    terminal, error = attempt_password(session, terminal_id, password, max_failures)
    if error is not None or terminal is None:
        locked = error is not None and error.code == "terminal_locked"
        return LoginOutcome(error="web_login_locked" if locked else "web_login_failed")
    if not _may_settle(terminal):
        return LoginOutcome(error="web_forbidden")
    town = session.get(Municipality, terminal.municipality_code)
    return LoginOutcome(identity=ConsoleIdentity(
        SHOP, terminal.terminal_id, terminal.name, municipality_code=terminal.municipality_code,
        municipality_name=town.name if town else None, terminal_id=terminal.terminal_id,
        place=terminal.place))


def _may_settle(terminal: Terminal) -> bool:
    return terminal.category in SHOP_CATEGORIES or bool(terminal.also_point_use)


def create_staff(session: Session, *, login_id: str, password: str, role: str, display_name: str,
                 now: datetime, municipality_code: str | None = None,
                 partner_name: str | None = None) -> ConsoleUser:
    """Add a staff login (used by demo data and tests; the ministry distributes them)."""
    if role not in (MUNICIPALITY, PARTNER):
        raise ValueError(f"unknown role {role!r}")
    user = ConsoleUser(login_id=login_id, role=role, municipality_code=municipality_code,
                       partner_name=partner_name, display_name=display_name,
                       password_hash=hash_password(password), failed_attempts=0, locked=False,
                       created_at=now)
    session.add(user)
    session.flush()
    return user


_DUMMY_HASH = hash_password("timing-equaliser")
