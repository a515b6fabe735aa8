"""Point use at a terminal (画面29-31): debit the holder, credit the place's settlement account."""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from cloud_api.clock import Clock
from cloud_api.models.ledger import SETTLEMENT
from cloud_api.services.ledger.accounts import system_account
from cloud_api.services.ledger.debit import Debited, debit_holder
from cloud_api.services.ledger.journal import TxnHeader
from cloud_api.services.ledger.refs import PointLike, Receipt, TerminalLike

log = logging.getLogger(__name__)


def spend(session: Session, *, clock: Clock, terminal: TerminalLike, point: PointLike,
          holder_id: int, mykey_id: str, amount: int) -> Receipt:
    """Use `amount` points of `point` at `terminal`. The caller checked the point is usable there."""
    header = spend_header(clock.now(), terminal, point, holder_id, mykey_id, amount)
    settlement = system_account(session, SETTLEMENT, point.point_id, terminal.terminal_id)
    return spent(header, point, debit_holder(session, header, settlement))


def spend_header(now: datetime, terminal: TerminalLike, point: PointLike, holder_id: int,
                 mykey_id: str, amount: int) -> TxnHeader:
    return TxnHeader(kind="spend", scope=terminal.terminal_id, point_id=point.point_id,
                     amount=amount, executed_at=now, holder_id=holder_id, mykey_id=mykey_id,
                     terminal_id=terminal.terminal_id, place=terminal.place,
                     municipality_code=terminal.municipality_code)


def spent(header: TxnHeader, point: PointLike, done: Debited) -> Receipt:
    """The receipt of a debit made for `header` (画面31), logged."""
    receipt = receipt_of(header, point, done)
    log_spend(header, receipt.txn_no)
    return receipt


def receipt_of(header: TxnHeader, point: PointLike, done: Debited) -> Receipt:
    return Receipt(done.posted.txn_id, done.posted.txn_no, header.terminal_id, point.point_id,
                   point.name, header.amount, done.usable_after, header.executed_at)


def log_spend(header: TxnHeader, txn_no: str) -> None:
    log.info("spend %s/%s: %d pt", header.terminal_id, txn_no, header.amount)
