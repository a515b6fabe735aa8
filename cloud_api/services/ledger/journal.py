"""Posting one journal transaction: a numbered header and entries that sum to zero.

Holder-account legs carry the account's book balance after the entry, computed by the caller
from the holder's lots (book balance = what is left in all its lots) while it holds the account
lock. System (contra) accounts carry NULL and are summed when needed, so they never become a hot
row.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cloud_api.models.ledger import JournalEntry
from cloud_api.services.ledger import statements as sql
from cloud_api.services.ledger.refs import business_date
from cloud_api.services.ledger.txn_numbers import next_txn_no


@dataclass(frozen=True)
class Leg:
    """One entry to post: + credits the account, - debits it."""

    account_id: int
    amount: int
    balance_after: int | None = None   # holder accounts only


@dataclass
class TxnHeader:
    """What the transaction records besides its legs (snapshots for reports)."""

    kind: str
    scope: str
    point_id: int
    amount: int
    executed_at: datetime
    holder_id: int | None = None
    mykey_id: str | None = None
    terminal_id: str | None = None
    place: str | None = None
    municipality_code: str | None = None
    reason: str = ""
    corrects_txn_id: int | None = None


@dataclass(frozen=True)
class Posted:
    txn_id: int
    txn_no: str
    holder_balance_after: int | None


def post(session: Session, header: TxnHeader, legs: list[Leg]) -> Posted:
    """Number and write the transaction; raise ValueError on unbalanced or empty legs."""
    if not legs or sum(leg.amount for leg in legs) != 0 or any(leg.amount == 0 for leg in legs):
        raise ValueError(f"unbalanced journal transaction: {legs}")
    day = business_date(header.executed_at)
    txn_no = next_txn_no(session, header.scope, day)
    values = {**vars(header), "txn_no": txn_no, "business_date": day}
    txn_id = int(sql.run(session, sql.INSERT_TXN, values).scalar_one())
    sql.run(session, sql.INSERT_ENTRIES, [
        {"txn_id": txn_id, "account_id": leg.account_id, "amount": leg.amount,
         "balance_after": leg.balance_after} for leg in legs])
    holder_after = next((leg.balance_after for leg in legs if leg.balance_after is not None), None)
    return Posted(txn_id, txn_no, holder_after)


def book_balance(session: Session, account_id: int) -> int:
    """The holder account's balance after its latest entry (expired, unswept lots included).

    Not used on the hot path (the lots give the same figure); for checks and tools."""
    last = session.execute(
        select(JournalEntry.balance_after).where(JournalEntry.account_id == account_id)
        .order_by(JournalEntry.id.desc()).limit(1)).scalar()
    return int(last or 0)
