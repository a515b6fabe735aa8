"""Corrections: a point use taken back (e.g. goods returned) as a new, reasoned transaction.

Nothing is edited: the correction is a `correction` transaction that reverses the original's legs
(settlement back to the holder) and re-creates the consumed points as new lots with the original
lots' issue and expiry dates. Points whose lot has expired meanwhile go straight to the point's
expired account in the same transaction, so no lot is ever created already expired (the sweep
relies on it). A transaction can be corrected once: checked under the holder-account lock, and
verify-ledger reports a second correction. Only point use is correctable here - vouchers are
closed by redemption or lapse, merges are settled with the street.
"""
from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cloud_api.clock import Clock
from cloud_api.errors import ApiError, NotFound
from cloud_api.models.ledger import EXPIRED, SETTLEMENT, JournalTxn, Lot, LotConsumption
from cloud_api.services.ledger.accounts import lock_holder_account, system_account
from cloud_api.services.ledger.journal import Leg, TxnHeader, book_balance, post
from cloud_api.services.ledger.lots import add_lot, points_left, usable_lots
from cloud_api.services.ledger.refs import Receipt, business_date

log = logging.getLogger(__name__)

CORRECTABLE = ("spend",)


def reverse_spend(session: Session, *, clock: Clock, scope: str, txn_no: str, reason: str,
                  point_name: str = "") -> Receipt:
    """Give the points of spend `scope`/`txn_no` back to the holder; 409 if already corrected."""
    if not reason.strip():
        raise ApiError("correction_reason_required", 422)
    original = _original(session, scope, txn_no)
    assert original.holder_id is not None
    account = lock_holder_account(session, original.point_id, original.holder_id)
    if account is None or _already_corrected(session, original.id):
        raise ApiError("txn_already_corrected", 409)
    now = clock.now()
    today = business_date(now)
    consumed = _consumptions(session, original.id)
    back = sum(amount for _, expires_on, amount in consumed if expires_on >= today)
    settlement = system_account(session, SETTLEMENT, original.point_id, original.terminal_id)
    header = TxnHeader(kind="correction", scope=scope, point_id=original.point_id,
                       amount=original.amount, executed_at=now, holder_id=original.holder_id,
                       mykey_id=original.mykey_id, terminal_id=original.terminal_id,
                       place=original.place, municipality_code=original.municipality_code,
                       reason=reason[:200], corrects_txn_id=original.id)
    legs = [Leg(settlement, -original.amount)]
    if back:
        legs.append(Leg(account, back, book_balance(session, account) + back))
    if back < original.amount:   # given back after their lot expired: expired at once
        legs.append(Leg(system_account(session, EXPIRED, original.point_id),
                        original.amount - back))
    posted = post(session, header, legs)
    for issued_on, expires_on, amount in consumed:
        if expires_on >= today:
            add_lot(session, account, posted.txn_id, amount, issued_on, expires_on)
    usable_after = points_left(usable_lots(session, account, today))
    log.info("correction %s/%s reverses %s", scope, posted.txn_no, txn_no)
    return Receipt(posted.txn_id, posted.txn_no, original.terminal_id, original.point_id,
                   point_name, original.amount, usable_after, now)


def _original(session: Session, scope: str, txn_no: str) -> JournalTxn:
    txn = session.execute(select(JournalTxn).where(JournalTxn.scope == scope,
                                                   JournalTxn.txn_no == txn_no)).scalar()
    if txn is None:
        raise NotFound("txn_not_found")
    if txn.kind not in CORRECTABLE:
        raise ApiError("txn_not_correctable", 422)
    return txn


def _already_corrected(session: Session, txn_id: int) -> bool:
    return session.execute(select(JournalTxn.id)
                           .where(JournalTxn.corrects_txn_id == txn_id)).scalar() is not None


def _consumptions(session: Session, original_id: int) -> list[tuple[date, date, int]]:
    """(issued_on, expires_on, points) of each lot the original took points from."""
    rows = session.execute(
        select(Lot.issued_on, Lot.expires_on, LotConsumption.amount)
        .join(Lot, Lot.id == LotConsumption.lot_id)
        .where(LotConsumption.txn_id == original_id).order_by(LotConsumption.id)).all()
    return [(issued_on, expires_on, int(amount)) for issued_on, expires_on, amount in rows]
