"""Lots: points with an expiry date, consumed earliest-expiry first.

A lot's remaining amount is its amount minus its consumptions. A lot counts (is usable) through
its `expires_on` day (JST); after that only the expiry sweep may consume it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from cloud_api.errors import ApiError
from cloud_api.models.ledger import Lot, LotConsumption


@dataclass(frozen=True)
class OpenLot:
    """A lot with points left."""

    lot_id: int
    remaining: int
    expires_on: date


def open_lots(session: Session, account_id: int, on: date | None = None,
              expired_only: bool = False) -> list[OpenLot]:
    """Lots with points left, earliest expiry first: usable on `on`, or (sweep) expired before it."""
    used = (select(func.coalesce(func.sum(LotConsumption.amount), 0))
            .where(LotConsumption.lot_id == Lot.id).scalar_subquery())
    query = select(Lot.id, Lot.amount - used, Lot.expires_on).where(Lot.account_id == account_id)
    if on is not None:
        query = query.where(Lot.expires_on < on if expired_only else Lot.expires_on >= on)
    rows = session.execute(query.order_by(Lot.expires_on, Lot.id)).all()
    return [OpenLot(lot_id, int(left), exp) for lot_id, left, exp in rows if left > 0]


def plan_consumption(lots: list[OpenLot], amount: int) -> list[tuple[int, int]]:
    """(lot_id, points) to take for `amount`, earliest expiry first; 422 if not enough."""
    if amount > sum(lot.remaining for lot in lots):
        raise ApiError("insufficient_balance", 422)
    plan: list[tuple[int, int]] = []
    left = amount
    for lot in sorted(lots, key=lambda x: (x.expires_on, x.lot_id)):
        if left == 0:
            break
        take = min(left, lot.remaining)
        plan.append((lot.lot_id, take))
        left -= take
    return plan


def record_consumption(session: Session, txn_id: int, plan: list[tuple[int, int]]) -> None:
    session.execute(insert(LotConsumption),
                    [{"lot_id": lot_id, "txn_id": txn_id, "amount": take} for lot_id, take in plan])


def add_lot(session: Session, account_id: int, txn_id: int, amount: int, issued_on: date,
            expires_on: date) -> None:
    session.execute(insert(Lot).values(account_id=account_id, txn_id=txn_id, amount=amount,
                                       issued_on=issued_on, expires_on=expires_on))


def usable_total(lots: list[OpenLot]) -> int:
    return sum(lot.remaining for lot in lots)
