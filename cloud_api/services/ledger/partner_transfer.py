"""partner_transfer: a partner company's conversion credits support points to a holder.

One journal transaction: the partner's clearing account (per partner and destination) is debited,
the holder's account is credited. The destination is either the holder's 留保ポイント (a RESERVE
account, municipality-independent, no expiry) or a municipal / event point, credited as a lot
valid for the point's validity days like a grant. (partner, partner_ref) makes it exactly-once:
the same reference again returns the first transfer and applies nothing.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cloud_api.clock import Clock
from cloud_api.db import is_postgres
from cloud_api.errors import ApiError
from cloud_api.models.accounts import Holder
from cloud_api.models.ledger import PARTNER, RESERVE, job_scope
from cloud_api.models.partners import RESERVE_POINT_ID, Partner, PartnerTransfer
from cloud_api.services.ledger import statements as sql
from cloud_api.services.ledger.accounts import lock_holder_account
from cloud_api.services.ledger.debit import check_amount
from cloud_api.services.ledger.journal import Leg, TxnHeader, book_balance, post
from cloud_api.services.ledger.lots import add_lot
from cloud_api.services.ledger.refs import PointLike, business_date, valid_through

log = logging.getLogger(__name__)
RESERVE_NAME = "留保ポイント"
MAX_REF = 64


@dataclass(frozen=True)
class TransferResult:
    """The transfer recorded for (partner, partner_ref); applied is False on a repeat."""

    transfer_id: int
    txn_id: int
    amount: int
    applied: bool


def support_amount(partner: Partner, partner_amount: int) -> int:
    """Partner points → support points at the partner's rate; whole rate units only."""
    check_amount(partner_amount)
    if partner_amount % partner.partner_points:
        raise ApiError("partner_amount_not_multiple", 422, unit=partner.unit,
                       step=partner.partner_points)
    return partner_amount // partner.partner_points * partner.support_points


def partner_transfer(session: Session, *, clock: Clock, partner: Partner, holder_id: int,
                     destination: PointLike | None, amount: int, partner_ref: str,
                     executed_at: datetime | None = None) -> TransferResult:
    """Credit `amount` partner points (converted) to the holder; None destination = 留保ポイント."""
    ref = _check_ref(partner_ref)
    points = support_amount(partner, amount)
    point_id = destination.point_id if destination else None
    previous = _existing(session, partner.id, ref)
    if previous is not None:
        return _repeat(previous, holder_id, point_id, amount)
    holder = session.get(Holder, holder_id)
    if holder is None or holder.state != "active":
        raise ApiError("partner_holder_unknown", 422)
    now = clock.now()
    txn_id = _post(session, partner, holder, destination, points, now)
    record = PartnerTransfer(partner_id=partner.id, partner_ref=ref, txn_id=txn_id,
                             executed_at=executed_at or now, holder_id=holder.id,
                             mykey_id=holder.mykey_id, point_id=point_id,
                             destination_name=destination.name if destination else RESERVE_NAME,
                             partner_amount=amount, amount=points)
    session.add(record)
    session.flush()
    log.info("partner_transfer %s ref=%s: %d pt to holder %s", partner.name, ref, points, holder_id)
    return TransferResult(record.id, txn_id, points, True)


def _check_ref(partner_ref: str) -> str:
    ref = partner_ref.strip()
    if not ref or len(ref) > MAX_REF or not ref.isprintable():
        raise ApiError("partner_ref_invalid", 422, limit=MAX_REF)
    return ref


def _existing(session: Session, partner_id: int, ref: str) -> PartnerTransfer | None:
    return session.execute(select(PartnerTransfer).where(
        PartnerTransfer.partner_id == partner_id, PartnerTransfer.partner_ref == ref)).scalar()


def _repeat(previous: PartnerTransfer, holder_id: int, point_id: int | None,
            amount: int) -> TransferResult:
    same = (previous.holder_id, previous.point_id, previous.partner_amount) == (
        holder_id, point_id, amount)
    if not same:
        raise ApiError("partner_ref_conflict", 409, ref=previous.partner_ref)
    return TransferResult(previous.id, previous.txn_id, previous.amount, False)


def _post(session: Session, partner: Partner, holder: Holder, destination: PointLike | None,
          points: int, now: datetime) -> int:
    point_id = destination.point_id if destination else RESERVE_POINT_ID
    clearing = _account(session, f"{PARTNER}:{partner.id}:{point_id}", PARTNER, point_id, None)
    if destination is None:
        account = _account(session, f"{RESERVE}:{holder.id}", RESERVE, point_id, holder.id,
                           lock=True)
    else:
        locked = lock_holder_account(session, point_id, holder.id, create=True)
        assert locked is not None
        account = locked
    header = TxnHeader(kind="partner_transfer", scope=job_scope(account), point_id=point_id,
                       amount=points, executed_at=now, holder_id=holder.id,
                       mykey_id=holder.mykey_id,
                       municipality_code=destination.municipality_code if destination else None,
                       reason=f"{partner.name} 応援ポイント移行"[:200])
    # the balance after the account's latest entry (one indexed row; verify-ledger holds it equal
    # to the lots' remaining points) — summing the lots is O(lots) per row of a batch import
    after = book_balance(session, account) + points
    txn_id = post(session, header, [Leg(clearing, -points), Leg(account, points, after)]).txn_id
    if destination is None:
        return txn_id
    today = business_date(now)
    add_lot(session, account, txn_id, points, today, valid_through(today, destination.validity_days))
    return txn_id


def _account(session: Session, key: str, kind: str, point_id: int, holder_id: int | None,
             lock: bool = False) -> int:
    """Insert-or-get the account by key; `lock` reads it FOR UPDATE on PostgreSQL."""
    sql.run(session, sql.CREATE_ACCOUNT, {
        "key": key, "kind": kind, "point_id": point_id, "holder_id": holder_id,
        "terminal_id": None})
    query = sql.ACCOUNT_BY_KEY_FOR_UPDATE if lock and is_postgres(session) else sql.ACCOUNT_BY_KEY
    return int(sql.run(session, query, {"key": key}).scalar_one())
