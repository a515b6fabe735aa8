"""Which points a terminal may handle: municipal points by place, event points by selection.

A municipality's point is usable at the terminals of that municipality; a prefecture's point at
the terminals of every municipality of the prefecture (same first two code digits). An event
(特定支援イベント) is usable only inside its service period and only at the terminals its
画面5-2 selections name: all of a municipality, a category within a municipality, an ID
business, or single terminals.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from cloud_api.errors import NotFound
from cloud_api.models.accounts import EventTarget, Point
from cloud_api.services.terminals import TerminalContext
from cloud_api.services.validation import digits, is_prefecture_code


@dataclass(frozen=True)
class PointRef:
    """A point as the ledger and the terminal see it."""

    point_id: int
    kind: str
    name: str
    validity_days: int
    municipality_code: str

    @property
    def display_id(self) -> str:
        return f"{self.point_id:08d}"


def ref_of(point: Point) -> PointRef:
    return PointRef(point.id, point.kind, point.name, point.validity_days,
                    point.municipality_code)


def get_point(session: Session, point_id: int) -> PointRef:
    point = session.get(Point, point_id)
    if point is None:
        raise NotFound("point_not_found")
    return ref_of(point)


def parse_point_id(value: object) -> int | None:
    """"00000001" (or the int 1) → 1; anything else → None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and len(value) == 8 and digits(value, 8) and int(value) > 0:
        return int(value)
    return None


def usable_points(session: Session, terminal: TerminalContext, on: date) -> list[PointRef]:
    """Every point usable at this terminal on this business day, municipal points first."""
    municipal = select(Point).where(Point.kind == "municipal",
                                    Point.municipality_code.in_(_owners(terminal)))
    events = select(Point).where(Point.kind == "event", Point.service_from <= on,
                                 Point.service_to >= on, exists().where(
                                     EventTarget.point_id == Point.id, _target_matches(terminal)))
    rows = list(session.scalars(municipal.order_by(Point.id)))
    rows += list(session.scalars(events.order_by(Point.id)))
    return [ref_of(p) for p in rows]


def is_usable(session: Session, terminal: TerminalContext, point_id: int, on: date) -> bool:
    return any(p.point_id == point_id for p in usable_points(session, terminal, on))


def _owners(terminal: TerminalContext) -> list[str]:
    """The terminal's municipality and its prefecture (whose code is PP000 + check digit)."""
    code = terminal.municipality_code
    prefecture = [c for c in (f"{code[:2]}000{d}" for d in range(10)) if is_prefecture_code(c)]
    return [code, *prefecture]


def _target_matches(terminal: TerminalContext) -> ColumnElement[bool]:
    return or_(
        and_(EventTarget.scope == "municipality",
             EventTarget.municipality_code == terminal.municipality_code),
        and_(EventTarget.scope == "category",
             EventTarget.municipality_code == terminal.municipality_code,
             EventTarget.category == terminal.category),
        and_(EventTarget.scope == "id_business",
             EventTarget.id_business_id == terminal.id_business_id),
        and_(EventTarget.scope == "terminal", EventTarget.terminal_id == terminal.terminal_id))

