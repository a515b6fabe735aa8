"""Which points and places a console login may report on (画面85 municipality, 画面87 shop).

A municipality reports on its own points (every place, or one); a shop only on its own place —
the terminals of its municipality installed there — whatever it puts in the query string.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from cloud_api.models.accounts import Point, Terminal
from cloud_api.models.ledger import JournalTxn
from cloud_api.services.points import usable_points
from cloud_api.services.reports.place_report import SETTLED_KINDS, PlaceQuery
from cloud_api.services.terminals import context_of


@dataclass(frozen=True)
class PointChoice:
    point_id: int
    name: str


def municipal_points(conn: Connection, code: str) -> list[PointChoice]:
    stmt = select(Point.id, Point.name).where(Point.municipality_code == code).order_by(Point.id)
    return [PointChoice(i, n) for i, n in conn.execute(stmt)]


def shop_points(conn: Connection, terminal_ids: tuple[str, ...], today: date) -> list[PointChoice]:
    """Points ever used at the shop's terminals (the ledger indexes scope) or usable there today."""
    used = (select(JournalTxn.point_id).where(JournalTxn.scope.in_(terminal_ids),
                                              JournalTxn.kind.in_(SETTLED_KINDS))
            .group_by(JournalTxn.point_id))
    ids = {i for (i,) in conn.execute(used)} | _usable_today(conn, terminal_ids, today)
    stmt = select(Point.id, Point.name).where(Point.id.in_(ids)).order_by(Point.id)
    return [PointChoice(i, n) for i, n in conn.execute(stmt)]


def _usable_today(conn: Connection, terminal_ids: tuple[str, ...], today: date) -> set[int]:
    session = Session(bind=conn)
    found: set[int] = set()
    for terminal_id in terminal_ids:
        terminal = session.get(Terminal, terminal_id)
        if terminal is not None:
            found |= {p.point_id for p in usable_points(session, context_of(terminal), today)}
    return found


def municipal_query(conn: Connection, code: str, point_id: int, first: date, last: date,
                    place: str | None) -> PlaceQuery | None:
    """None when the point is not the municipality's own."""
    if point_id not in {p.point_id for p in municipal_points(conn, code)}:
        return None
    return PlaceQuery((point_id,), first, last, place or None)


def shop_query(conn: Connection, terminal_id: str, place: str, point_id: int, first: date,
               last: date, today: date) -> PlaceQuery | None:
    """A shop logs in with its terminal ID and sees that terminal's transactions. (Not every
    terminal at its place: a terminal sets its own place, so a place name proves nothing - one
    renamed like a neighbour's would read the neighbour's customers.)"""
    terminals = (terminal_id,)
    if point_id not in {p.point_id for p in shop_points(conn, terminals, today)}:
        return None
    return PlaceQuery((point_id,), first, last, place, terminals)
