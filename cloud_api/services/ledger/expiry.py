"""Expiry of one holder account: its expired, unused points into one expiry transaction.

The daily sweep (sweep.py) calls it for each account with a lot expired since its mark, each in
a transaction of its own.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from cloud_api.clock import Clock
from cloud_api.models.ledger import EXPIRED, job_scope
from cloud_api.services.ledger.accounts import lock_holder_account, system_account
from cloud_api.services.ledger.journal import Leg, TxnHeader, book_balance, post
from cloud_api.services.ledger.lots import expired_lots, points_left
from cloud_api.services.ledger.refs import business_date


def expire_account(session: Session, clock: Clock, point_id: int, holder_id: int,
                   since: date = date.min) -> int:
    """Expire the unused points of the holder's lots that expired on `since` or later (the sweep
    passes its mark), numbered in the account's job scope; the points expired (0: none)."""
    now = clock.now()
    account = lock_holder_account(session, point_id, holder_id)
    if account is None:
        return 0
    lots = expired_lots(session, account, business_date(now), since)
    total = points_left(lots)
    if total == 0:
        return 0
    expired = system_account(session, EXPIRED, point_id)
    header = TxnHeader(kind="expiry", scope=job_scope(account), point_id=point_id, amount=total,
                       executed_at=now, holder_id=holder_id, reason="有効期限切れ")
    book_after = book_balance(session, account) - total
    post(session, header, [Leg(account, -total, book_after), Leg(expired, total)],
         [(lot.lot_id, lot.remaining) for lot in lots])
    return total
