"""A printer = a profile (what it can do) + a transport (where the bytes go).

`Printer.print_document(doc)` renders for the profile, checks the real-time status before
and after sending when the transport can answer, and raises a PrinterError subclass with a
Japanese message (paper out, cover open, offline) otherwise. Blocking: call it from the
device's I/O thread, never from the UI thread.
"""
from __future__ import annotations

import logging
import threading

from drivers.printer.document import Document
from drivers.printer.errors import PrinterConnectionError
from drivers.printer.escpos_renderer import EscPosRenderer
from drivers.printer.profile import PrinterProfile, load_profile
from drivers.printer.status import PrinterStatus, raise_for_status, read_status
from drivers.printer.transports import Transport, parse_target

log = logging.getLogger(__name__)


class Printer:
    """One configured printer; thread-safe (one job at a time)."""

    def __init__(self, profile: PrinterProfile, transport: Transport,
                 status_timeout_s: float = 3.0) -> None:
        self.profile = profile
        self.transport = transport
        self.status_timeout_s = status_timeout_s
        self.renderer = EscPosRenderer(profile)
        self._lock = threading.Lock()
        self._open = False

    @classmethod
    def from_config(cls, target: str, profile: str | PrinterProfile) -> Printer:
        """From settings: `target` like "escpos-net:192.168.0.50:9100", a profile name."""
        prof = load_profile(profile) if isinstance(profile, str) else profile
        return cls(prof, parse_target(target))

    def _ensure_open(self) -> None:
        if not self._open:
            self.transport.open()
            self._open = True

    def status(self) -> PrinterStatus | None:
        """The real-time status, or None when the transport cannot read replies."""
        with self._lock:
            self._ensure_open()
            return self._status()

    def _status(self) -> PrinterStatus | None:
        if not self.transport.bidirectional:
            return None
        return read_status(self.transport, self.status_timeout_s)

    def _check(self) -> None:
        status = self._status()
        if status is not None:
            raise_for_status(status)

    def _begin(self) -> None:
        """Open and check status; a connection gone stale since the last job is reopened once."""
        try:
            self._ensure_open()
            self._check()
        except PrinterConnectionError:
            log.info("reconnecting to %s", self.transport.target)
            self._drop()
            self._ensure_open()
            self._check()

    def print_document(self, doc: Document) -> None:
        """Render and send `doc`; PrinterError (Japanese) when the printer cannot print it."""
        data = self.renderer.render(doc)
        self.print_bytes(data, title=doc.title)

    def print_bytes(self, data: bytes, title: str = "raw") -> None:
        """Send already-rendered ESC/POS bytes with the same status checks."""
        with self._lock:
            try:
                self._begin()
                self.transport.write(data)
                self._check()
            except PrinterConnectionError:
                self._drop()
                raise
        log.info("printed %s on %s (%d bytes)", title, self.transport.target, len(data))

    def _drop(self) -> None:
        self.transport.close()
        self._open = False

    def close(self) -> None:
        """Close the transport (the next job reopens it)."""
        with self._lock:
            self._drop()
