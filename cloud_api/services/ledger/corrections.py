"""Corrections: a point use taken back (e.g. goods returned) as a new, reasoned transaction.

Nothing is edited: the correction is a `correction` transaction that reverses the original's legs
(settlement back to the holder) and re-creates the consumed points as new lots with the original
lots' issue and expiry dates; points whose lot has expired meanwhile are expired again at once, in
the same transaction (the sweep relies on no lot being created already expired). A transaction can
be corrected once: checked under the holder-account lock, and verify-ledger reports a second
correction. Only point use is correctable here - vouchers are closed by redemption or lapse,
merges are settled with the street.
"""
from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cloud_api.clock import Clock
from cloud_api.errors import ApiError, NotFound
from cloud_api.models.ledger import SETTLEMENT, JournalTxn, Lot, LotConsumption
from cloud_api.services.ledger.accounts import lock_holder_account, system_account
from cloud_api.services.ledger.expiry import expire_account
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
    settlement = system_account(session, SETTLEMENT, original.point_id, original.terminal_id)
    header = TxnHeader(kind="correction", scope=scope, point_id=original.point_id,
                       amount=original.amount, executed_at=now, holder_id=original.holder_id,
                       mykey_id=original.mykey_id, terminal_id=original.terminal_id,
                       place=original.place, municipality_code=original.municipality_code,
                       reason=reason[:200], corrects_txn_id=original.id)
    book_after = book_balance(session, account) + original.amount
    posted = post(session, header, [Leg(settlement, -original.amount),
                                    Leg(account, original.amount, book_after)])
    today = business_date(now)
    if _restore_lots(session, account, posted.txn_id, original.id, today):
        expire_account(session, clock, original.point_id, original.holder_id)
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


def _restore_lots(session: Session, account: int, txn_id: int, original_id: int,
                  today: date) -> bool:
    """The original's consumptions as new lots; whether one of them has already expired."""
    consumed = session.execute(
        select(Lot.issued_on, Lot.expires_on, LotConsumption.amount)
        .join(Lot, Lot.id == LotConsumption.lot_id)
        .where(LotConsumption.txn_id == original_id).order_by(LotConsumption.id)).all()
    for issued_on, expires_on, amount in consumed:
        add_lot(session, account, txn_id, int(amount), issued_on, expires_on)
    return any(expires_on < today for _, expires_on, _ in consumed)
