"""Lots: points with an expiry date, consumed earliest-expiry first.

A lot's remaining amount is its amount minus its consumptions. A lot counts (is usable) through
its `expires_on` day (JST); after that only the expiry sweep may consume it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from cloud_api.errors import ApiError
from cloud_api.services.ledger import statements as sql


@dataclass(frozen=True)
class OpenLot:
    """A lot with points left."""

    lot_id: int
    remaining: int
    expires_on: date


def holder_lots(session: Session, account_id: int) -> list[OpenLot]:
    """Every lot of the account with points left, earliest expiry first (expired ones included
    until the sweep takes them; `usable` filters by day)."""
    rows: list[Any] = list(sql.run(session, sql.HOLDER_LOTS, {"account_id": account_id}))
    return [OpenLot(int(row[0]), int(row[1]), row[2]) for row in rows]


def usable(lots: list[OpenLot], on: date) -> list[OpenLot]:
    """The lots that count on `on` (valid through their expires_on day)."""
    return [lot for lot in lots if lot.expires_on >= on]


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


def add_lot(session: Session, account_id: int, txn_id: int, amount: int, issued_on: date,
            expires_on: date) -> None:
    sql.run(session, sql.INSERT_LOT, {"account_id": account_id, "txn_id": txn_id,
                                      "amount": amount, "issued_on": issued_on,
                                      "expires_on": expires_on})


def usable_total(lots: list[OpenLot]) -> int:
    return sum(lot.remaining for lot in lots)
