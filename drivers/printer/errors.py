"""Printer errors: each carries a Japanese message the clerk can act on.

`PrinterError` is the base the app catches to show `user_message`; the status
subclasses are raised from the DLE EOT real-time status replies.
"""
from __future__ import annotations

from drivers.printer.messages import message


class PrinterError(Exception):
    """A printing problem the clerk can understand (Japanese `user_message`)."""

    key = "printer_error"

    def __init__(self, user_message: str | None = None) -> None:
        self.user_message = user_message or message(self.key)
        super().__init__(self.user_message)


class PaperOutError(PrinterError):
    """The roll paper has run out (DLE EOT 4 paper-end sensor)."""

    key = "paper_out"


class CoverOpenError(PrinterError):
    """The printer cover is open (DLE EOT 2)."""

    key = "cover_open"


class OfflineError(PrinterError):
    """The printer reports offline for another reason (DLE EOT 1)."""

    key = "offline"


class PrinterConnectionError(PrinterError):
    """The transport could not reach the printer or lost it."""

    key = "send_failed"


class PrinterUnavailableError(PrinterError):
    """A backend library or the platform is missing (e.g. win32 on Linux, no pyusb)."""


class PrinterConfigError(PrinterError):
    """A bad `kind:path` target or an unreadable/invalid printer profile."""


class PrintDataError(PrinterError):
    """The document holds something the printer cannot print (bad character, bad field)."""
