"""Ledger accounts: race-free insert-or-get on a unique key, and the holder-account lock.

A holder's account row is the lock that serialises all balance changes of one (holder, point):
on PostgreSQL it is read with SELECT ... FOR UPDATE before the lots are read; on SQLite the whole
transaction already holds the database write lock (BEGIN IMMEDIATE, see cloud_api/db.py).
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from cloud_api.db import is_postgres
from cloud_api.models.ledger import (
    ESCROW,
    EXPIRED,
    HOLDER,
    ISSUANCE,
    MERGE_CLEARING,
    SETTLEMENT,
)
from cloud_api.services.ledger import statements as sql


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
    found = sql.run(session, sql.ACCOUNT_BY_KEY, {"key": key}).scalar()
    if found is not None:
        return int(found)
    sql.run(session, sql.for_dialect(session, sql.CREATE_ACCOUNT), {
        "key": key, "kind": kind, "point_id": point_id, "holder_id": holder_id,
        "terminal_id": terminal_id})
    return int(sql.run(session, sql.ACCOUNT_BY_KEY, {"key": key}).scalar_one())


def lock_holder_account(session: Session, point_id: int, holder_id: int,
                        create: bool = False) -> int | None:
    """Lock (PostgreSQL: FOR UPDATE) the holder's account of a point; None if it has none."""
    key = {"key": account_key(HOLDER, point_id, holder_id)}
    query = sql.ACCOUNT_BY_KEY_FOR_UPDATE if is_postgres(session) else sql.ACCOUNT_BY_KEY
    found = sql.run(session, query, key).scalar()
    if found is None and create:
        get_or_create(session, HOLDER, point_id, holder_id)
        found = sql.run(session, query, key).scalar_one()
    return None if found is None else int(found)


def system_account(session: Session, kind: str, point_id: int,
                   terminal_id: str | None = None) -> int:
    assert kind in (ISSUANCE, ESCROW, MERGE_CLEARING, SETTLEMENT, EXPIRED)
    return get_or_create(session, kind, point_id, terminal_id=terminal_id)
