"""Background jobs: every slow action (card read, HTTP call, print) runs off the GUI thread.

One lane per device kind (`card`, `net`, `printer`), each a single-thread pool, so that the card
reader or the printer is never driven by two threads at once. Results come back on the GUI
thread through queued signals; `Jobs.busy` tells tests and screens whether something is running.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

LANES = ("card", "net", "printer", "local")


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits into it, Qt queues the call back."""

    succeeded = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the screen
            self._relay.failed.emit(exc)
            return
        self._relay.succeeded.emit(result)


class Jobs(QObject):
    """Runs callables in the lane of their device and reports on the GUI thread."""

    changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pools = {lane: self._pool() for lane in LANES}
        self._relays: set[_Relay] = set()

    @staticmethod
    def _pool() -> QThreadPool:
        pool = QThreadPool()
        pool.setMaxThreadCount(1)
        return pool

    @property
    def busy(self) -> bool:
        return bool(self._relays)

    def run(self, lane: str, fn: Callable[[], Any], on_ok: Callable[[Any], None],
            on_error: Callable[[BaseException], None]) -> None:
        """Run `fn()` in `lane`; then call `on_ok(result)` or `on_error(exc)` on the GUI thread."""
        relay = _Relay()
        relay.succeeded.connect(lambda result: self._finish(relay, on_ok, result))
        relay.failed.connect(lambda exc: self._finish(relay, on_error, exc))
        self._relays.add(relay)
        self.changed.emit(True)
        self._pools[lane].start(_Task(fn, relay))

    def _finish(self, relay: _Relay, callback: Callable[[Any], None], value: Any) -> None:
        self._relays.discard(relay)
        try:
            callback(value)
        finally:
            self.changed.emit(self.busy)

    def wait_idle(self, timeout_ms: int = 30000) -> bool:
        """Block until every lane is empty (used at shutdown; the GUI never waits)."""
        return all(pool.waitForDone(timeout_ms) for pool in self._pools.values())
