"""The ledger's hot-path SQL, built once at import with bind parameters.

Building SQLAlchemy constructs per call (and generating their cache keys) cost more CPU than the
database work of a point use; these module-level statements are compiled once per dialect and
reused, and run on the session's connection (no ORM bookkeeping for plain rows).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Result
from sqlalchemy.orm import Session

from cloud_api.db import Base, is_postgres
from cloud_api.models.ledger import (
    IdempotencyRecord,
    JournalEntry,
    JournalTxn,
    LedgerAccount,
    Lot,
    LotConsumption,
    TxnCounter,
)

TABLES = Base.metadata.tables
ACCOUNTS: Table = TABLES[LedgerAccount.__tablename__]
COUNTERS: Table = TABLES[TxnCounter.__tablename__]
RECORDS: Table = TABLES[IdempotencyRecord.__tablename__]
MAX_SEQUENCE = 99_999

ACCOUNT_BY_KEY = select(ACCOUNTS.c.id).where(ACCOUNTS.c.key == bindparam("key"))
ACCOUNT_BY_KEY_FOR_UPDATE = ACCOUNT_BY_KEY.with_for_update()

_used = (select(func.coalesce(func.sum(LotConsumption.amount), 0))
         .where(LotConsumption.lot_id == Lot.id).scalar_subquery())
HOLDER_LOTS = (select(Lot.id, Lot.amount - _used, Lot.expires_on)
               .where(Lot.account_id == bindparam("account_id"), Lot.amount > _used)
               .order_by(Lot.expires_on, Lot.id))

INSERT_TXN = insert(TABLES[JournalTxn.__tablename__]).returning(JournalTxn.id)
INSERT_ENTRIES = insert(TABLES[JournalEntry.__tablename__])
INSERT_CONSUMPTIONS = insert(TABLES[LotConsumption.__tablename__])
INSERT_LOT = insert(TABLES[Lot.__tablename__])
COMPLETE_RECORD = (update(RECORDS).where(RECORDS.c.id == bindparam("record_id"))
                   .values(status=bindparam("status"), response_body=bindparam("body"),
                           txn_id=bindparam("txn_id")))


def _by_dialect(build: Any) -> dict[bool, Any]:
    return {True: build(postgresql), False: build(sqlite)}


CREATE_ACCOUNT = _by_dialect(lambda d: d.insert(ACCOUNTS).on_conflict_do_nothing(
    index_elements=["key"]))
NEXT_SEQUENCE = _by_dialect(lambda d: d.insert(COUNTERS).values(
    scope=bindparam("scope"), business_date=bindparam("day"), last_seq=1).on_conflict_do_update(
    index_elements=[COUNTERS.c.scope, COUNTERS.c.business_date],
    set_={"last_seq": COUNTERS.c.last_seq + 1},
    where=COUNTERS.c.last_seq < MAX_SEQUENCE).returning(COUNTERS.c.last_seq))
CLAIM_RECORD = _by_dialect(lambda d: d.insert(RECORDS).values(
    scope=bindparam("scope"), key=bindparam("key"), request_hash=bindparam("request_hash"),
    created_at=bindparam("created_at")).on_conflict_do_nothing(
    index_elements=["scope", "key"]).returning(RECORDS.c.id))


def run(session: Session, statement: Any, params: Any = None) -> Result[Any]:
    """Execute on the session's connection (same transaction, no ORM overhead)."""
    return session.connection().execute(statement, params)


def for_dialect(session: Session, statements: dict[bool, Any]) -> Any:
    return statements[is_postgres(session)]
