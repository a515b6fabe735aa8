"""The expiry job (`mykey-cloud sweep`): expired lots into expiry entries, lapsed vouchers,
and idempotency records past their retention.

Each holder account and each voucher is swept in its own short transaction, so the job never
holds a lock for long and can be re-run at any time (it only finds what is still open).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cloud_api.clock import Clock
from cloud_api.db import unit_of_work
from cloud_api.models.ledger import (
    EXPIRED,
    SYSTEM_SCOPE,
    LedgerAccount,
    Lot,
    LotConsumption,
    Voucher,
    VoucherClosing,
)
from cloud_api.services import idempotency
from cloud_api.services.ledger.accounts import lock_holder_account, system_account
from cloud_api.services.ledger.journal import Leg, TxnHeader, book_balance, post
from cloud_api.services.ledger.lots import expired_lots, points_left
from cloud_api.services.ledger.refs import business_date
from cloud_api.services.ledger.voucher_close import lapse

log = logging.getLogger(__name__)


@dataclass
class SweepResult:
    expired_accounts: int = 0
    expired_points: int = 0
    lapsed_vouchers: int = 0
    lapsed_points: int = 0
    purged_idempotency_records: int = 0


def sweep(sessions: sessionmaker[Session], clock: Clock) -> SweepResult:
    """Expire every lot past its last day and lapse every voucher past its last day."""
    today = business_date(clock.now())
    result = SweepResult()
    with unit_of_work(sessions) as s:
        accounts = _accounts_with_expired_lots(s, today)
    for account_id, point_id, holder_id in accounts:
        with unit_of_work(sessions) as s:
            result.expired_points += expire_account(s, clock, point_id, holder_id)
        result.expired_accounts += 1
    with unit_of_work(sessions) as s:
        voucher_ids = _expired_open_vouchers(s, today)
    for voucher_id in voucher_ids:
        with unit_of_work(sessions) as s:
            lapsed = _lapse_one(s, clock, voucher_id, today)
        result.lapsed_points += lapsed
        result.lapsed_vouchers += 1 if lapsed else 0
    with unit_of_work(sessions) as s:
        result.purged_idempotency_records = idempotency.purge(s, clock.now())
    log.info("sweep on %s: %s", today, result)
    return result


def expire_account(session: Session, clock: Clock, point_id: int, holder_id: int) -> int:
    """One expiry transaction for all expired, unused points of one holder account."""
    now = clock.now()
    account = lock_holder_account(session, point_id, holder_id)
    if account is None:
        return 0
    lots = expired_lots(session, account, business_date(now))
    total = points_left(lots)
    if total == 0:
        return 0
    expired = system_account(session, EXPIRED, point_id)
    header = TxnHeader(kind="expiry", scope=SYSTEM_SCOPE, point_id=point_id, amount=total,
                       executed_at=now, holder_id=holder_id, reason="有効期限切れ")
    book_after = book_balance(session, account) - total
    post(session, header, [Leg(account, -total, book_after), Leg(expired, total)],
         [(lot.lot_id, lot.remaining) for lot in lots])
    return total


def _accounts_with_expired_lots(session: Session, today: date) -> list[tuple[int, int, int]]:
    used = (select(func.coalesce(func.sum(LotConsumption.amount), 0))
            .where(LotConsumption.lot_id == Lot.id).scalar_subquery())
    rows = session.execute(
        select(LedgerAccount.id, LedgerAccount.point_id, LedgerAccount.holder_id)
        .join(Lot, Lot.account_id == LedgerAccount.id)
        .where(Lot.expires_on < today, Lot.amount > used).distinct()).all()
    return [(a, p, h) for a, p, h in rows if h is not None]


def _expired_open_vouchers(session: Session, today: date) -> list[int]:
    closed = select(VoucherClosing.voucher_id)
    return list(session.execute(select(Voucher.id).where(
        Voucher.expires_on < today, Voucher.id.not_in(closed))).scalars())


def _lapse_one(session: Session, clock: Clock, voucher_id: int, today: date) -> int:
    query = select(Voucher).where(Voucher.id == voucher_id)
    voucher = session.execute(query.with_for_update()).scalar_one()
    closed = session.execute(select(VoucherClosing.id)
                             .where(VoucherClosing.voucher_id == voucher_id)).scalar()
    if closed is not None or voucher.expires_on >= today:
        return 0
    lapse(session, clock=clock, voucher=voucher)
    return voucher.amount
