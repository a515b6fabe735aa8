"""Console login (画面2): staff logins and shop terminal logins, with lockout after failures.

A failed attempt is counted and must be committed even though the login is refused, so these
functions report the outcome as a `LoginOutcome` instead of raising. Passwords are compared with
the accounts area's scrypt helper and never logged.

A municipality's administrator lists the locked logins of their own municipality (staff logins
and terminals) and unlocks them (`locked_logins`, `unlock`); `mykey-cloud console-staff --unlock`
stays the ministry's way for any staff login. Each unlock writes one audit log line.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cloud_api.errors import NotFound
from cloud_api.models.accounts import Municipality, Terminal
from cloud_api.models.console import ConsoleUser
from cloud_api.services.console.identity import MUNICIPALITY, PARTNER, SHOP, ConsoleIdentity
from cloud_api.services.passwords import hash_password, verify_password, verify_unknown
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
    # the row stays locked until the failure is counted: parallel guesses are counted one by one
    user = session.scalar(select(ConsoleUser).where(ConsoleUser.login_id == login_id)
                          .with_for_update())
    if user is not None:
        return _staff_login(session, user, password, max_failures)
    if TERMINAL_ID.fullmatch(login_id):
        return _terminal_login(session, login_id, password, max_failures)
    verify_unknown(password)  # same work whether or not the ID exists
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


STAFF, TERMINAL = "staff", "terminal"


@dataclass(frozen=True)
class LockedLogin:
    """A login locked after repeated password failures (what the unlock screen lists)."""

    kind: str              # STAFF or TERMINAL
    login_id: str          # staff login ID or terminal ID
    name: str              # display name, or the terminal's place and name
    failed_attempts: int


def locked_logins(session: Session, municipality_code: str,
                  max_failures: int) -> list[LockedLogin]:
    """The locked staff logins and terminals of one municipality (never another's)."""
    users = session.scalars(_locked_staff(municipality_code).order_by(ConsoleUser.login_id))
    terminals = session.scalars(_locked_terminals(municipality_code, max_failures)
                                .order_by(Terminal.terminal_id))
    return [_row(u) for u in users] + [_row(t) for t in terminals]


def _locked_staff(municipality_code: str) -> Select[ConsoleUser]:
    return select(ConsoleUser).where(
        ConsoleUser.role == MUNICIPALITY, ConsoleUser.municipality_code == municipality_code,
        ConsoleUser.locked.is_(True))


def _locked_terminals(municipality_code: str, max_failures: int) -> Select[Terminal]:
    """Locked whole (not registered yet), or a registered one's password (terminals.py:
    password_locked)."""
    return select(Terminal).where(
        Terminal.municipality_code == municipality_code,
        (Terminal.state == "locked")
        | ((Terminal.state == "active") & (Terminal.failed_attempts >= max_failures)))


def _row(login: ConsoleUser | Terminal) -> LockedLogin:
    if isinstance(login, ConsoleUser):
        return LockedLogin(STAFF, login.login_id, login.display_name, login.failed_attempts)
    return LockedLogin(TERMINAL, login.terminal_id, f"{login.place} {login.name}",
                       login.failed_attempts)


def _locked_one(session: Session, municipality_code: str, kind: str, login_id: str,
                max_failures: int, *, lock: bool = False) -> ConsoleUser | Terminal:
    """One locked login of this municipality; 404 web_unlock_not_found for anything else (another
    municipality's login, a partner's, one not locked, an unknown ID) — nothing is revealed."""
    found: ConsoleUser | Terminal | None = None
    if kind == STAFF:
        found = session.scalar(_locked_staff(municipality_code)
                               .where(ConsoleUser.login_id == login_id))
    elif kind == TERMINAL:
        query = _locked_terminals(municipality_code, max_failures).where(
            Terminal.terminal_id == login_id)
        found = session.scalar(query.with_for_update() if lock else query)
    if found is None:
        raise NotFound("web_unlock_not_found")
    return found


def find_locked(session: Session, municipality_code: str, kind: str, login_id: str,
                max_failures: int) -> LockedLogin:
    """One locked login of this municipality (see _locked_one), as the unlock screen shows it."""
    return _row(_locked_one(session, municipality_code, kind, login_id, max_failures))


def unlock(session: Session, municipality_code: str, kind: str, login_id: str,
           max_failures: int, *, by: str) -> LockedLogin:
    """Clear the lockout of one of this municipality's logins (failures back to 0)."""
    login = _locked_one(session, municipality_code, kind, login_id, max_failures, lock=True)
    found = _row(login)
    if isinstance(login, ConsoleUser):
        login.locked, login.failed_attempts = False, 0
    else:
        login.state = "active" if login.public_key else "issued"
        login.failed_attempts = 0
    log.warning("audit: %s login %s of municipality %s unlocked by console login %s",
                kind, login_id, municipality_code, by)
    return found


