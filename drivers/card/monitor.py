"""`CardMonitor`: one background thread per reader that reports card insert / remove.

The callback runs on the monitor thread with the new ReaderStatus; a Qt screen forwards it
to the GUI thread with a signal (the driver itself never imports Qt).

    monitor = CardMonitor(reader, on_change=lambda status: ...)
    monitor.start()
    ...
    monitor.stop()
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from drivers.card.base import CardReader, ReaderStatus

log = logging.getLogger(__name__)

SLICE_S = 0.5  # longest wait per call, so that stop() is honoured quickly


class CardMonitor:
    """Calls `on_change(status)` once at start and after every change of the reader state."""

    def __init__(self, reader: CardReader, on_change: Callable[[ReaderStatus], None]) -> None:
        self.reader = reader
        self.on_change = on_change
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the monitor thread (daemon: it never keeps the application alive)."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="card-monitor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop and join the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        last = self.reader.status()
        self._report(last)
        while not self._stop.is_set():
            status = self.reader.wait_for_change(SLICE_S)
            if status != last and not self._stop.is_set():
                last = status
                self._report(status)

    def _report(self, status: ReaderStatus) -> None:
        try:
            self.on_change(status)
        except Exception:  # a bug in the callback must not kill card monitoring
            log.exception("card monitor callback failed")
