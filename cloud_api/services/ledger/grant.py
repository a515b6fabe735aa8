"""Grant: the municipality issues points of its point to a holder, as a new lot.

The lot is valid from the grant's JST day through day + validity - 1 (発行日を起点にN日間).
"""
from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from cloud_api.clock import Clock
from cloud_api.models.ledger import ISSUANCE, job_scope
from cloud_api.services.ledger.accounts import lock_holder_account, system_account
from cloud_api.services.ledger.debit import check_amount
from cloud_api.services.ledger.journal import Leg, TxnHeader, book_balance, post
from cloud_api.services.ledger.lots import add_lot, points_left, usable_lots
from cloud_api.services.ledger.refs import PointLike, Receipt, business_date, valid_through

log = logging.getLogger(__name__)


def grant(session: Session, *, clock: Clock, point: PointLike, holder_id: int, amount: int,
          scope: str | None, terminal_id: str | None, memo: str = "", mykey_id: str | None = None,
          place: str | None = None) -> Receipt:
    """Credit `amount` points of `point` to the holder; numbered in `scope` (a terminal ID), or
    without one in the account's job scope."""
    check_amount(amount)
    now = clock.now()
    today = business_date(now)
    account = lock_holder_account(session, point.point_id, holder_id, create=True)
    assert account is not None
    issuance = system_account(session, ISSUANCE, point.point_id)
    header = TxnHeader(kind="grant", scope=scope or job_scope(account), point_id=point.point_id,
                       amount=amount, executed_at=now, holder_id=holder_id, mykey_id=mykey_id,
                       terminal_id=terminal_id, place=place,
                       municipality_code=point.municipality_code, reason=memo[:200])
    usable_now = points_left(usable_lots(session, account, today)) + amount
    book_after = book_balance(session, account) + amount
    posted = post(session, header, [Leg(issuance, -amount), Leg(account, amount, book_after)])
    add_lot(session, account, posted.txn_id, amount, today, valid_through(today, point.validity_days))
    log.info("grant %s: %d pt of point %s to holder %s", posted.txn_no, amount, point.point_id,
             holder_id)
    return Receipt(posted.txn_id, posted.txn_no, terminal_id, point.point_id, point.name, amount,
                   usable_now, now)
