"""Printer transports addressed by `kind:path` strings; each module only moves bytes.

    escpos-net:127.0.0.1:9100   usb:04b8:0202   serial:/dev/ttyUSB0[@38400]
    file:receipt.bin            win32:EPSON TM-T88V Receipt
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from drivers.printer.errors import PrinterConfigError
from drivers.printer.messages import message
from drivers.printer.transports.base import Transport
from drivers.printer.transports.file import FileTransport
from drivers.printer.transports.net import NetworkTransport
from drivers.printer.transports.serial import SerialTransport
from drivers.printer.transports.usb import UsbTransport
from drivers.printer.transports.win32 import Win32Transport

log = logging.getLogger(__name__)

__all__ = ["Transport", "open_transport", "parse_target"]


def _bad(target: str) -> PrinterConfigError:
    return PrinterConfigError(message("bad_target", target=target))


def _net(target: str, rest: str) -> Transport:
    host, _, port = rest.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise _bad(target)
    return NetworkTransport(host.strip("[]"), int(port))


def _usb(target: str, rest: str) -> Transport:
    try:
        vid, pid = (int(part, 16) for part in rest.split(":"))
    except ValueError:
        raise _bad(target) from None
    return UsbTransport(vid, pid)


def _serial(target: str, rest: str) -> Transport:
    device, _, baud = rest.partition("@")
    if not device or (baud and not baud.isdigit()):
        raise _bad(target)
    return SerialTransport(device, int(baud) if baud else 38400)


_KINDS: dict[str, Callable[[str, str], Transport]] = {
    "escpos-net": _net,
    "usb": _usb,
    "serial": _serial,
    "file": lambda target, rest: FileTransport(rest),
    "win32": lambda target, rest: Win32Transport(rest),
}


def parse_target(target: str) -> Transport:
    """A transport (not yet opened) for `kind:path`; PrinterConfigError when malformed."""
    if not target.strip():
        raise PrinterConfigError(message("not_configured"))
    kind, sep, rest = target.partition(":")
    if not sep or not rest:
        raise _bad(target)
    if kind not in _KINDS:
        raise PrinterConfigError(message("unknown_kind", kind=kind))
    return _KINDS[kind](target, rest)


def open_transport(target: str) -> Transport:
    """parse_target(target), opened."""
    transport = parse_target(target)
    transport.open()
    return transport
