"""Taking points out of a holder's account (spend, voucher issue, merge): the shared core.

Lock the holder account, read its usable lots and its book balance, plan the consumption
earliest-expiry first (422 insufficient_balance if short), post the transaction and record the lot
consumptions. On PostgreSQL the same steps run as one statement, the ledger_debit function
(cloud_api/models/ledger_functions.py); on SQLite, here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from cloud_api.db import is_postgres
from cloud_api.errors import ApiError, ValidationError
from cloud_api.models.ledger import HOLDER
from cloud_api.services.ledger import statements as sql
from cloud_api.services.ledger.accounts import account_key, lock_holder_account
from cloud_api.services.ledger.journal import Leg, Posted, TxnHeader, book_balance, post
from cloud_api.services.ledger.lots import plan_consumption, points_left, usable_lots
from cloud_api.services.ledger.refs import MAX_AMOUNT, business_date
from cloud_api.services.ledger.txn_numbers import raise_exhausted


@dataclass(frozen=True)
class Debited:
    posted: Posted
    usable_after: int


def check_amount(amount: object) -> int:
    """A positive integer no larger than MAX_AMOUNT, else 422 amount_invalid."""
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_AMOUNT:
        raise ValidationError("amount_invalid")
    return amount


def debit_holder(session: Session, header: TxnHeader, to_account: int) -> Debited:
    """Move `header.amount` from the holder's account of `header.point_id` to `to_account`."""
    assert header.holder_id is not None
    amount = check_amount(header.amount)
    if is_postgres(session):
        return _debit_in_database(session, header, to_account)
    account = lock_holder_account(session, header.point_id, header.holder_id)
    if account is None:
        raise ApiError("insufficient_balance", 422)
    lots = usable_lots(session, account, business_date(header.executed_at))
    plan = plan_consumption(lots, amount)
    book_after = book_balance(session, account) - amount
    posted = post(session, header, [Leg(account, -amount, book_after), Leg(to_account, amount)],
                  plan)
    return Debited(posted, points_left(lots) - amount)


def _debit_in_database(session: Session, header: TxnHeader, to_account: int) -> Debited:
    row = sql.run(session, sql.DEBIT_PG, debit_params(header, to_account)).rows[0]
    return debit_result(row, header)


def debit_params(header: TxnHeader, to_account: int) -> dict[str, Any]:
    """PostgreSQL: the parameters of ledger_debit (statements.DEBIT_PG)."""
    assert header.holder_id is not None and header.corrects_txn_id is None
    return {**vars(header), "business_date": business_date(header.executed_at),
            "to_account": to_account,
            "holder_key": account_key(HOLDER, header.point_id, header.holder_id)}


def debit_result(row: tuple[Any, ...], header: TxnHeader) -> Debited:
    """ledger_debit's row: the debit made, or its refusal raised (422, nothing written)."""
    outcome, txn_id, txn_no, book_after, usable_after = row
    if outcome == "txn_number_exhausted":
        raise_exhausted(header.scope, business_date(header.executed_at))
    if outcome != "ok":
        raise ApiError(outcome, 422)
    return Debited(Posted(int(txn_id), str(txn_no), int(book_after)), int(usable_after))
