"""Point use at a terminal (画面29-31): debit the holder, credit the place's settlement account."""
from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from cloud_api.clock import Clock
from cloud_api.models.ledger import SETTLEMENT
from cloud_api.services.ledger.accounts import system_account
from cloud_api.services.ledger.debit import debit_holder
from cloud_api.services.ledger.journal import TxnHeader
from cloud_api.services.ledger.refs import PointLike, Receipt, TerminalLike

log = logging.getLogger(__name__)


def spend(session: Session, *, clock: Clock, terminal: TerminalLike, point: PointLike,
          holder_id: int, mykey_id: str, amount: int) -> Receipt:
    """Use `amount` points of `point` at `terminal`. The caller checked the point is usable there."""
    now = clock.now()
    settlement = system_account(session, SETTLEMENT, point.point_id, terminal.terminal_id)
    header = TxnHeader(kind="spend", scope=terminal.terminal_id, point_id=point.point_id,
                       amount=amount, executed_at=now, holder_id=holder_id, mykey_id=mykey_id,
                       terminal_id=terminal.terminal_id, place=terminal.place,
                       municipality_code=terminal.municipality_code)
    done = debit_holder(session, header, settlement)
    log.info("spend %s/%s: %d pt", terminal.terminal_id, done.posted.txn_no, amount)
    return Receipt(done.posted.txn_id, done.posted.txn_no, terminal.terminal_id, point.point_id,
                   point.name, amount, done.usable_after, now)
