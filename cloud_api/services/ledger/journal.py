"""Posting one journal transaction: a numbered header and entries that sum to zero.

Holder-account legs carry the account's book balance after the entry, computed by the caller from
the balance after the account's latest entry (`book_balance`; verify-ledger checks that it equals
what is left in all its lots) while it holds the account lock. System (contra) accounts carry NULL
and are summed when needed, so they never become a hot row.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from cloud_api.db import is_postgres
from cloud_api.services.ledger import statements as sql
from cloud_api.services.ledger.refs import business_date
from cloud_api.services.ledger.txn_numbers import next_txn_no, raise_exhausted


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


def post(session: Session, header: TxnHeader, legs: list[Leg],
         consumptions: Sequence[tuple[int, int]] = ()) -> Posted:
    """Number and write the transaction with its entries and the lot consumptions it makes
    ((lot_id, points) pairs); raise ValueError on unbalanced or empty legs.

    PostgreSQL does it in one statement (statements.POST_PG); SQLite, in process, in four."""
    if not legs or sum(leg.amount for leg in legs) != 0 or any(leg.amount == 0 for leg in legs):
        raise ValueError(f"unbalanced journal transaction: {legs}")
    day = business_date(header.executed_at)
    values = {**vars(header), "business_date": day}
    if is_postgres(session):
        txn_id, txn_no = _post_in_one(session, values, day, legs, consumptions)
    else:
        txn_no = next_txn_no(session, header.scope, day)
        txn_id = int(sql.run(session, sql.INSERT_TXN, {**values, "txn_no": txn_no}).scalar_one())
        sql.run(session, sql.INSERT_ENTRIES, [
            {"txn_id": txn_id, "account_id": leg.account_id, "amount": leg.amount,
             "balance_after": leg.balance_after} for leg in legs])
        if consumptions:
            sql.run(session, sql.INSERT_CONSUMPTIONS, [
                {"lot_id": lot_id, "txn_id": txn_id, "amount": take}
                for lot_id, take in consumptions])
    holder_after = next((leg.balance_after for leg in legs if leg.balance_after is not None), None)
    return Posted(txn_id, txn_no, holder_after)


def _post_in_one(session: Session, values: dict[str, object], day: date, legs: list[Leg],
                 consumptions: Sequence[tuple[int, int]]) -> tuple[int, str]:
    row = sql.run(session, sql.POST_PG, {
        **values, "day_prefix": f"{day:%Y%m%d}",
        "leg_accounts": [leg.account_id for leg in legs],
        "leg_amounts": [leg.amount for leg in legs],
        "leg_balances": [leg.balance_after for leg in legs],
        "lot_ids": [lot_id for lot_id, _ in consumptions],
        "lot_amounts": [take for _, take in consumptions]}).first()
    if row is None:
        raise_exhausted(str(values["scope"]), day)
    return int(row[0]), str(row[1])


def book_balance(session: Session, account_id: int) -> int:
    """The holder account's balance after its latest entry (expired, unswept lots included);
    0 before its first."""
    last = sql.run(session, sql.BOOK_BALANCE, {"account_id": account_id}).scalar()
    return int(last or 0)
