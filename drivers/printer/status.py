"""DLE EOT real-time status: ask, check the reply's fixed bits, and name the problem.

n=1 printer status (bit 3 offline); n=2 offline cause (bit 2 cover open, bit 5 stopped by
paper end, bit 6 error); n=4 roll paper sensor (bits 2-3 near end, bits 5-6 paper end).
Every reply byte has bit 1 and bit 4 set and bits 0 and 7 clear.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from drivers.printer import commands as cmd
from drivers.printer.errors import CoverOpenError, OfflineError, PaperOutError, PrinterError
from drivers.printer.messages import message
from drivers.printer.transports.base import Transport

log = logging.getLogger(__name__)

FIXED_MASK, FIXED_BITS = 0x93, 0x12
OFFLINE = 0x08
COVER_OPEN, STOPPED_PAPER_END, ERROR_OCCURRED = 0x04, 0x20, 0x40
PAPER_NEAR_END, PAPER_END = 0x0C, 0x60


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer said; `ok` means it can print now."""

    online: bool
    cover_open: bool = False
    paper_out: bool = False
    paper_near_end: bool = False
    error: bool = False

    @property
    def ok(self) -> bool:
        return self.online and not (self.cover_open or self.paper_out or self.error)


def query(transport: Transport, n: int, timeout_s: float) -> int:
    """Send DLE EOT n and return the status byte; PrinterError when no valid reply comes."""
    transport.write(cmd.status_request(n))
    reply = transport.read(1, timeout_s)
    if len(reply) != 1 or (reply[0] & FIXED_MASK) != FIXED_BITS:
        log.warning("no valid DLE EOT %d reply from %r: %r", n, transport, reply)
        raise PrinterError(message("no_status"))
    return reply[0]


def read_status(transport: Transport, timeout_s: float = 3.0) -> PrinterStatus:
    """Ask n=1 and n=4; when offline also n=2 for the cause."""
    printer = query(transport, cmd.STATUS_PRINTER, timeout_s)
    paper = query(transport, cmd.STATUS_PAPER, timeout_s)
    near_end = bool(paper & PAPER_NEAR_END)
    if not printer & OFFLINE:
        return PrinterStatus(online=True, paper_near_end=near_end,
                             paper_out=bool(paper & PAPER_END))
    cause = query(transport, cmd.STATUS_OFFLINE_CAUSE, timeout_s)
    return PrinterStatus(online=False, cover_open=bool(cause & COVER_OPEN),
                         paper_out=bool(cause & STOPPED_PAPER_END or paper & PAPER_END),
                         paper_near_end=near_end, error=bool(cause & ERROR_OCCURRED))


def raise_for_status(status: PrinterStatus) -> None:
    """The matching PrinterError subclass when the printer cannot print."""
    if status.cover_open:
        raise CoverOpenError()
    if status.paper_out:
        raise PaperOutError()
    if status.error:
        raise PrinterError()
    if not status.online:
        raise OfflineError()
