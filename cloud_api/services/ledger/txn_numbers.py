"""取引済番号: yyyymmdd + a 5-digit sequence, from a per-scope per-day counter.

The counter row is bumped with one INSERT ... ON CONFLICT DO UPDATE ... RETURNING statement
(SQLite >= 3.35 and PostgreSQL; on PostgreSQL it is the first part of journal.post's one
statement), so two concurrent transactions never get the same number: the
second waits on the row lock (PostgreSQL) or the database write lock (SQLite BEGIN IMMEDIATE).
The scope is the terminal ID, or for what no terminal does the account's (or the lapsing
voucher's) own scope (models.ledger.job_scope, lapse_scope); a number is unique only with its
scope.
"""
from __future__ import annotations

import logging
import re
from datetime import date
from typing import NoReturn

from sqlalchemy.orm import Session

from cloud_api.errors import ApiError
from cloud_api.services.ledger import statements as sql

log = logging.getLogger(__name__)

TXN_NO = re.compile(r"^([0-9]{8})([0-9]{5})$")


def next_txn_no(session: Session, scope: str, day: date) -> str:
    """Hand out the next number of `scope` on `day`; 429 txn_number_exhausted past 99999."""
    seq = sql.run(session, sql.NEXT_SEQUENCE, {"scope": scope, "day": day}).scalar()
    if seq is None:
        raise_exhausted(scope, day)
    return format_txn_no(day, seq)


def raise_exhausted(scope: str, day: date) -> NoReturn:
    log.warning("txn numbers exhausted for scope %s on %s", scope, day)
    raise ApiError("txn_number_exhausted", 429)


def format_txn_no(day: date, seq: int) -> str:
    return f"{day:%Y%m%d}{seq:05d}"


def is_well_formed(txn_no: str, day: date | None = None) -> bool:
    """A 13-digit number whose date part is `day` (if given) and whose sequence is 1..99999."""
    m = TXN_NO.fullmatch(txn_no)
    if not m or int(m.group(2)) == 0:
        return False
    return day is None or m.group(1) == f"{day:%Y%m%d}"
