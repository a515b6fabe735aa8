"""An injectable clock: services ask it for "now" so tests can move time (expiry, vouchers)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")


class Clock:
    """Real time in Japan Standard Time (the business day of every point operation)."""

    def now(self) -> datetime:
        return datetime.now(JST)

    def today(self) -> date:
        return self.now().date()


class FixedClock(Clock):
    """A clock that stands still until moved; for tests and demo scenarios."""

    def __init__(self, at: datetime) -> None:
        self._at = at if at.tzinfo else at.replace(tzinfo=JST)

    def now(self) -> datetime:
        return self._at

    def advance(self, **delta: float) -> None:
        self._at = self._at + timedelta(**delta)

    def set(self, at: datetime) -> None:
        self._at = at if at.tzinfo else at.replace(tzinfo=JST)
