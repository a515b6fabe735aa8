"""File transport (`file:PATH`): appends the bytes to a file or device node (e.g. /dev/usb/lp0)."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import BinaryIO

from drivers.printer.errors import PrinterConnectionError
from drivers.printer.messages import message
from drivers.printer.transports.base import Transport

log = logging.getLogger(__name__)


class FileTransport(Transport):
    """Write-only: no status can be read back."""

    def __init__(self, path: str) -> None:
        super().__init__(f"file:{path}")
        self.path = Path(path)
        self._fh: BinaryIO | None = None

    def open(self) -> None:
        try:
            self._fh = self.path.open("ab")
        except OSError as exc:
            raise PrinterConnectionError(message("connect_failed", target=self.target)) from exc

    def write(self, data: bytes) -> None:
        if self._fh is None:
            self.open()
        assert self._fh is not None
        try:
            self._fh.write(data)
            self._fh.flush()
        except OSError as exc:
            raise PrinterConnectionError() from exc

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
