"""Ledger accounts: race-free insert-or-get on a unique key, and the holder-account lock.

A holder's account row is the lock that serialises all balance changes of one (holder, point):
on PostgreSQL it is read with SELECT ... FOR UPDATE before the lots are read; on SQLite the whole
transaction already holds the database write lock (BEGIN IMMEDIATE, see cloud_api/db.py).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cloud_api.db import is_postgres
from cloud_api.models.ledger import (
    ESCROW,
    EXPIRED,
    HOLDER,
    ISSUANCE,
    MERGE_CLEARING,
    SETTLEMENT,
    LedgerAccount,
)


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
    key = account_key(kind, point_id, holder_id, terminal_id)
    found = session.execute(select(LedgerAccount.id).where(LedgerAccount.key == key)).scalar()
    if found is not None:
        return found
    dialect = postgresql if is_postgres(session) else sqlite
    stmt = dialect.insert(LedgerAccount.__table__).values(
        key=key, kind=kind, point_id=point_id, holder_id=holder_id, terminal_id=terminal_id)
    session.execute(stmt.on_conflict_do_nothing(index_elements=["key"]))
    return session.execute(select(LedgerAccount.id).where(LedgerAccount.key == key)).scalar_one()


def lock_holder_account(session: Session, point_id: int, holder_id: int,
                        create: bool = False) -> int | None:
    """Lock (PostgreSQL: FOR UPDATE) the holder's account of a point; None if it has none."""
    key = account_key(HOLDER, point_id, holder_id)
    query = select(LedgerAccount.id).where(LedgerAccount.key == key)
    if is_postgres(session):
        query = query.with_for_update()
    found = session.execute(query).scalar()
    if found is None and create:
        get_or_create(session, HOLDER, point_id, holder_id)
        found = session.execute(query).scalar_one()
    return found


def system_account(session: Session, kind: str, point_id: int,
                   terminal_id: str | None = None) -> int:
    assert kind in (ISSUANCE, ESCROW, MERGE_CLEARING, SETTLEMENT, EXPIRED)
    return get_or_create(session, kind, point_id, terminal_id=terminal_id)
