"""Ledger accounts: race-free insert-or-get on a unique key, and the holder-account lock.

A holder's account row is the lock that serialises all balance changes of one (holder, point):
on PostgreSQL it is read with SELECT ... FOR UPDATE before the lots are read; on SQLite the whole
transaction already holds the database write lock (BEGIN IMMEDIATE, see cloud_api/db.py).
"""
from __future__ import annotations

from weakref import WeakKeyDictionary

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from cloud_api.models.ledger import (
    ESCROW,
    EXPIRED,
    HOLDER,
    ISSUANCE,
    MERGE_CLEARING,
    SETTLEMENT,
)
from cloud_api.services.ledger import statements as sql

CREATED_KEYS = "ledger_accounts_created"          # session.info: keys this session inserted
_committed_ids: WeakKeyDictionary[Engine | Connection, dict[str, int]] = WeakKeyDictionary()


def account_key(kind: str, point_id: int, holder_id: int | None = None,
                terminal_id: str | None = None) -> str:
    if kind == HOLDER:
        return f"{HOLDER}:{point_id}:{holder_id}"
    if kind == SETTLEMENT:
        return f"{SETTLEMENT}:{point_id}:{terminal_id}"
    return f"{kind}:{point_id}"


def get_or_create(session: Session, kind: str, point_id: int, holder_id: int | None = None,
                  terminal_id: str | None = None) -> int:
    """The id of the account, creating it if needed (two racing creators get the same row)."""
    return _get_or_create(session, account_key(kind, point_id, holder_id, terminal_id), kind,
                          point_id, holder_id, terminal_id)[0]


def _get_or_create(session: Session, key: str, kind: str, point_id: int, holder_id: int | None,
                   terminal_id: str | None) -> tuple[int, bool]:
    """(id, True if this call inserted it)."""
    found = sql.run(session, sql.ACCOUNT_BY_KEY, {"key": key}).scalar()
    if found is not None:
        return int(found), False
    sql.run(session, sql.CREATE_ACCOUNT, {
        "key": key, "kind": kind, "point_id": point_id, "holder_id": holder_id,
        "terminal_id": terminal_id})
    session.info.setdefault(CREATED_KEYS, set()).add(key)
    return int(sql.run(session, sql.ACCOUNT_BY_KEY, {"key": key}).scalar_one()), True


def lock_holder_account(session: Session, point_id: int, holder_id: int,
                        create: bool = False) -> int | None:
    """Lock (PostgreSQL: FOR UPDATE) the holder's account of a point; None if it has none."""
    key = {"key": account_key(HOLDER, point_id, holder_id)}
    found = sql.run(session, sql.ACCOUNT_BY_KEY_FOR_UPDATE, key).scalar()
    if found is None and create:
        get_or_create(session, HOLDER, point_id, holder_id)
        found = sql.run(session, sql.ACCOUNT_BY_KEY_FOR_UPDATE, key).scalar_one()
    return None if found is None else int(found)


def system_account(session: Session, kind: str, point_id: int,
                   terminal_id: str | None = None) -> int:
    """A contra account's id, remembered per database once known to be committed (accounts
    are never changed or deleted). An id this session inserted is not remembered: its
    transaction may still roll back, and SQLite could then give the id to another account."""
    assert kind in (ISSUANCE, ESCROW, MERGE_CLEARING, SETTLEMENT, EXPIRED)
    known = _committed_ids.setdefault(session.get_bind(), {})
    key = account_key(kind, point_id, terminal_id=terminal_id)
    found = known.get(key)
    if found is None:
        found, created = _get_or_create(session, key, kind, point_id, None, terminal_id)
        if not created and key not in session.info.get(CREATED_KEYS, ()):
            known[key] = found
    return found


def known_system_account(engine: Engine, kind: str, point_id: int,
                         terminal_id: str | None = None) -> int | None:
    """A contra account's id if `system_account` already remembers it as committed."""
    known = _committed_ids.get(engine)
    return None if known is None else known.get(account_key(kind, point_id,
                                                            terminal_id=terminal_id))
