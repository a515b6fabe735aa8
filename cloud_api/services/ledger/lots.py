"""Lots: points with an expiry date, consumed earliest-expiry first.

A lot's remaining amount is its amount minus its consumptions. A lot counts (is usable) through
its `expires_on` day (JST); after that only the expiry sweep may consume it. The lots are read
from one side of a day only - the usable ones for a debit, the expired ones for the sweep - so
a holder's expired history is not read again on every use; the account's book balance (expired,
unswept lots included) is its latest entry's balance_after (journal.book_balance), which
verify-ledger checks against the lots.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.orm import Session

from cloud_api.errors import ApiError
from cloud_api.fastsql import Sql
from cloud_api.models.ledger import Lot, LotConsumption
from cloud_api.services.ledger import statements as sql


@dataclass(frozen=True)
class OpenLot:
    """A lot with points left."""

    lot_id: int
    remaining: int
    expires_on: date


def used_points() -> ScalarSelect[int]:
    """The points taken so far from the `Lot` of the enclosing query (a correlated subquery):
    `Lot.amount - used_points()` is what is left in it."""
    return (select(func.coalesce(func.sum(LotConsumption.amount), 0))
            .where(LotConsumption.lot_id == Lot.id).scalar_subquery())


def usable_lots(session: Session, account_id: int, on: date) -> list[OpenLot]:
    """The lots of the account with points left that count on `on` (valid through their
    expires_on day), earliest expiry first."""
    return _open_lots(session, sql.USABLE_LOTS, {"account_id": account_id, "day": on})


def expired_lots(session: Session, account_id: int, on: date,
                 since: date = date.min) -> list[OpenLot]:
    """The lots of the account with points left that no longer count on `on` and expired on
    `since` or later: the sweep's."""
    return _open_lots(session, sql.EXPIRED_LOTS,
                      {"account_id": account_id, "day": on, "since": since})


def _open_lots(session: Session, statement: Sql, params: dict[str, Any]) -> list[OpenLot]:
    rows: list[Any] = list(sql.run(session, statement, params))
    return [OpenLot(int(row[0]), int(row[1]), row[2]) for row in rows]


def plan_consumption(lots: list[OpenLot], amount: int) -> list[tuple[int, int]]:
    """(lot_id, points) to take for `amount`, earliest expiry first; 422 if not enough."""
    if amount > points_left(lots):
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


def points_left(lots: list[OpenLot]) -> int:
    return sum(lot.remaining for lot in lots)
