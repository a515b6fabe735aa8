"""Which point a terminal may move for a holder now: ACCOUNTS' usable_points plus clear errors.

A point outside the terminal's list is refused with the most precise reason: unknown (404),
an event point outside its service period (403 point_outside_service_period), or not selected
for this terminal (403 point_not_usable_here).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from cloud_api.errors import ApiError, NotFound
from cloud_api.models.accounts import Point
from cloud_api.services.points import PointRef, usable_points
from cloud_api.services.terminals import TerminalContext


def usable_point(session: Session, terminal: TerminalContext, point_id: int,
                 on: date) -> PointRef:
    for ref in usable_points(session, terminal, on):
        if ref.point_id == point_id:
            return ref
    point = session.get(Point, point_id)
    if point is None:
        raise NotFound("point_not_found")
    if point.kind == "event" and not _in_period(point, on):
        raise ApiError("point_outside_service_period", 403)
    raise ApiError("point_not_usable_here", 403)


def usable_point_ids(session: Session, terminal: TerminalContext, on: date) -> set[int]:
    return {ref.point_id for ref in usable_points(session, terminal, on)}


def _in_period(point: Point, on: date) -> bool:
    return (point.service_from is not None and point.service_to is not None
            and point.service_from <= on <= point.service_to)
