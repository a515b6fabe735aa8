"""Windows spooler transport (`win32:<printer name>`): RAW job through win32print.

Only usable on Windows with pywin32; elsewhere opening raises PrinterUnavailableError.
"""
from __future__ import annotations

import logging
import sys
from typing import Any

from drivers.printer.errors import PrinterConnectionError, PrinterUnavailableError
from drivers.printer.messages import message
from drivers.printer.transports.base import Transport

log = logging.getLogger(__name__)


def _win32print(name: str) -> Any:
    if sys.platform != "win32":
        raise PrinterUnavailableError(message("win32_unavailable", name=name))
    try:
        import win32print
    except ImportError as exc:
        raise PrinterUnavailableError(message("win32_unavailable", name=name)) from exc
    return win32print


class Win32Transport(Transport):
    """Each write is one RAW spooler job; write-only (the spooler hides DLE EOT)."""

    def __init__(self, printer_name: str) -> None:
        super().__init__(f"win32:{printer_name}")
        self.printer_name = printer_name
        self._api: Any = None

    def open(self) -> None:
        self._api = _win32print(self.printer_name)

    def write(self, data: bytes) -> None:
        api = self._api or _win32print(self.printer_name)
        try:
            handle = api.OpenPrinter(self.printer_name)
        except Exception as exc:  # pywintypes.error
            raise PrinterConnectionError(message("connect_failed", target=self.target)) from exc
        try:
            api.StartDocPrinter(handle, 1, ("MyKey", None, "RAW"))
            api.StartPagePrinter(handle)
            api.WritePrinter(handle, data)
            api.EndPagePrinter(handle)
            api.EndDocPrinter(handle)
        finally:
            api.ClosePrinter(handle)

    def close(self) -> None:
        self._api = None
