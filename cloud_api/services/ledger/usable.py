"""Which point a terminal may move for a holder now: ACCOUNTS' usable_points plus clear errors.

A point outside the terminal's list is refused with the most precise reason: unknown (404),
an event point outside its service period (403 point_outside_service_period), or not selected
for this terminal (403 point_not_usable_here).

The list per (terminal, day) is static data for the hot path: `UsableCache` keeps it per
process for `ttl_s` seconds, so a change by municipal staff (a new event, new targets) reaches
the terminals within that time; the day is part of the key, so periods switch exactly at 0:00.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from cloud_api.errors import ApiError, NotFound
from cloud_api.models.accounts import Point
from cloud_api.services.points import PointRef, usable_points
from cloud_api.services.terminals import TerminalContext
from cloud_api.ttl_cache import TtlCache


class UsableCache:
    """usable_points per (terminal context, day), reused for ttl_s seconds (thread-safe)."""

    def __init__(self, ttl_s: float = 30.0, timer: Callable[[], float] = time.monotonic) -> None:
        self._cache: TtlCache[tuple[TerminalContext, date], list[PointRef]] = TtlCache(ttl_s,
                                                                                       timer)

    def get(self, session: Session, terminal: TerminalContext, on: date) -> list[PointRef]:
        refs = self._cache.get((terminal, on))
        if refs is None:
            refs = usable_points(session, terminal, on)
            self._cache.put((terminal, on), refs)
        return refs

    def peek(self, terminal: TerminalContext, on: date, point_id: int) -> PointRef | None:
        """The point if the remembered list has it; None if unknown or not listed."""
        for ref in self._cache.get((terminal, on)) or ():
            if ref.point_id == point_id:
                return ref
        return None


def _points(session: Session, terminal: TerminalContext, on: date,
            cache: UsableCache | None) -> list[PointRef]:
    return cache.get(session, terminal, on) if cache else usable_points(session, terminal, on)


def usable_point(session: Session, terminal: TerminalContext, point_id: int, on: date,
                 cache: UsableCache | None = None) -> PointRef:
    for ref in _points(session, terminal, on, cache):
        if ref.point_id == point_id:
            return ref
    point = session.get(Point, point_id)
    if point is None:
        raise NotFound("point_not_found")
    if point.kind == "event" and not _in_period(point, on):
        raise ApiError("point_outside_service_period", 403)
    raise ApiError("point_not_usable_here", 403)


def usable_point_ids(session: Session, terminal: TerminalContext, on: date,
                     cache: UsableCache | None = None) -> set[int]:
    return {ref.point_id for ref in _points(session, terminal, on, cache)}


def _in_period(point: Point, on: date) -> bool:
    return (point.service_from is not None and point.service_to is not None
            and point.service_from <= on <= point.service_to)
