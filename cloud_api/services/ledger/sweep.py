"""The expiry job (`mykey-cloud sweep`): expired lots into expiry entries, lapsed vouchers,
idempotency records past their retention, and the 取引済番号 counters of past days.

Each holder account and each voucher is swept in its own short transaction, so the job never
holds a lock for long and can be re-run at any time (it only finds what is still open).

A sweep that ran to its end moves the mark (models.ledger.SweepMark) to its day less one: every
lot and voucher that expired before the mark is closed for good, because a lot's remaining only
ever shrinks and nothing is created already expired (a voucher expires in the future; a
correction that gives back expired points expires them in its own transaction). So the next
sweep reads only what expired since the mark, and its work does not grow with the ledger's
history. The day of margin covers a transaction begun before midnight that commits after the
sweep has read.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, sessionmaker

from cloud_api.clock import Clock
from cloud_api.db import unit_of_work
from cloud_api.models.ledger import (
    LedgerAccount,
    Lot,
    Voucher,
    VoucherClosing,
)
from cloud_api.services import idempotency
from cloud_api.services.ledger import statements as sql
from cloud_api.services.ledger.expiry import expire_account
from cloud_api.services.ledger.lots import used_points
from cloud_api.services.ledger.refs import business_date
from cloud_api.services.ledger.voucher_close import lapse

log = logging.getLogger(__name__)
MARGIN = timedelta(days=1)


@dataclass
class SweepResult:
    expired_accounts: int = 0
    expired_points: int = 0
    lapsed_vouchers: int = 0
    lapsed_points: int = 0
    purged_idempotency_records: int = 0


def sweep(sessions: sessionmaker[Session], clock: Clock) -> SweepResult:
    """Expire every lot and lapse every voucher past its last day (those since the mark)."""
    today = business_date(clock.now())
    result = SweepResult()
    with unit_of_work(sessions) as s:
        since = swept_before(s) or date.min
        accounts = _accounts_with_expired_lots(s, since, today)
    for account_id, point_id, holder_id in accounts:
        with unit_of_work(sessions) as s:
            result.expired_points += expire_account(s, clock, point_id, holder_id, since)
        result.expired_accounts += 1
    with unit_of_work(sessions) as s:
        voucher_ids = _expired_open_vouchers(s, since, today)
    for voucher_id in voucher_ids:
        with unit_of_work(sessions) as s:
            lapsed = _lapse_one(s, clock, voucher_id, today)
        result.lapsed_points += lapsed
        result.lapsed_vouchers += 1 if lapsed else 0
    with unit_of_work(sessions) as s:
        sql.run(s, sql.ADVANCE_SWEEP_MARK, {"day": today - MARGIN})
        sql.run(s, sql.PURGE_COUNTERS, {"day": today - MARGIN})
        result.purged_idempotency_records = idempotency.purge(s, clock.now())
    log.info("sweep on %s: %s", today, result)
    return result


def swept_before(session: Session) -> date | None:
    """The mark: every lot and voucher that expired before it is closed (None: no sweep yet)."""
    mark: date | None = sql.run(session, sql.SWEPT_BEFORE, {}).scalar()
    return mark


def _accounts_with_expired_lots(session: Session, since: date,
                                today: date) -> list[tuple[int, int, int]]:
    """The holder accounts with a lot that expired in [since, today) and has points left."""
    used = used_points()
    rows = session.execute(
        select(LedgerAccount.id, LedgerAccount.point_id, LedgerAccount.holder_id)
        .join(Lot, Lot.account_id == LedgerAccount.id)
        .where(Lot.expires_on >= since, Lot.expires_on < today, Lot.amount > used)
        .distinct()).all()
    return [(a, p, h) for a, p, h in rows if h is not None]


def _expired_open_vouchers(session: Session, since: date, today: date) -> list[int]:
    """The vouchers that expired in [since, today) and were neither redeemed nor lapsed."""
    closed = exists().where(VoucherClosing.voucher_id == Voucher.id)
    return list(session.execute(select(Voucher.id).where(
        Voucher.expires_on >= since, Voucher.expires_on < today, ~closed)).scalars())


def _lapse_one(session: Session, clock: Clock, voucher_id: int, today: date) -> int:
    query = select(Voucher).where(Voucher.id == voucher_id)
    voucher = session.execute(query.with_for_update()).scalar_one()
    closed = session.execute(select(VoucherClosing.id)
                             .where(VoucherClosing.voucher_id == voucher_id)).scalar()
    if closed is not None or voucher.expires_on >= today:
        return 0
    lapse(session, clock=clock, voucher=voucher)
    return voucher.amount
