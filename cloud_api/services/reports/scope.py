"""Which points and places a console login may report on (画面85 municipality, 画面87 shop).

A municipality reports on its own points (every place, or one); a shop only on its own place —
the terminals of its municipality installed there — whatever it puts in the query string.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Connection

from cloud_api.models.accounts import Point
from cloud_api.models.ledger import JournalTxn
from cloud_api.services.reports.place_report import SETTLED_KINDS, PlaceQuery, shop_terminals


@dataclass(frozen=True)
class PointChoice:
    point_id: int
    name: str


def municipal_points(conn: Connection, code: str) -> list[PointChoice]:
    stmt = select(Point.id, Point.name).where(Point.municipality_code == code).order_by(Point.id)
    return [PointChoice(i, n) for i, n in conn.execute(stmt)]


def shop_points(conn: Connection, terminal_ids: tuple[str, ...]) -> list[PointChoice]:
    """Points that were ever used at the shop's terminals (scope is indexed by the ledger)."""
    used = (select(JournalTxn.point_id).where(JournalTxn.scope.in_(terminal_ids),
                                              JournalTxn.kind.in_(SETTLED_KINDS))
            .group_by(JournalTxn.point_id))
    stmt = select(Point.id, Point.name).where(Point.id.in_(used)).order_by(Point.id)
    return [PointChoice(i, n) for i, n in conn.execute(stmt)]


def municipal_query(conn: Connection, code: str, point_id: int, first: date, last: date,
                    place: str | None) -> PlaceQuery | None:
    """None when the point is not the municipality's own."""
    if point_id not in {p.point_id for p in municipal_points(conn, code)}:
        return None
    return PlaceQuery((point_id,), first, last, place or None)


def shop_query(conn: Connection, code: str, place: str, point_id: int, first: date,
               last: date) -> PlaceQuery | None:
    terminals = shop_terminals(conn, code, place)
    if point_id not in {p.point_id for p in shop_points(conn, terminals)}:
        return None
    return PlaceQuery((point_id,), first, last, place, terminals)
