"""USB transport (`usb:VID:PID` in hex), via pyusb; switched off when pyusb is missing.

Finds the printer-class interface's bulk OUT (and IN, for status) endpoints.
"""
from __future__ import annotations

import logging
import sys
from typing import Any

from drivers.printer.errors import PrinterConnectionError, PrinterUnavailableError
from drivers.printer.messages import message
from drivers.printer.transports.base import Transport

log = logging.getLogger(__name__)


def _pyusb() -> Any:
    try:
        import usb.core
        import usb.util
    except ImportError as exc:
        raise PrinterUnavailableError(message("usb_unavailable")) from exc
    return usb


class UsbTransport(Transport):
    """Bulk endpoints of a USB printer; bidirectional when it has an IN endpoint."""

    bidirectional = True

    def __init__(self, vid: int, pid: int, timeout_s: float = 10.0) -> None:
        super().__init__(f"usb:{vid:04x}:{pid:04x}")
        self.vid, self.pid, self.timeout_s = vid, pid, timeout_s
        self._dev: Any = None
        self._out: Any = None
        self._in: Any = None

    def open(self) -> None:
        usb = _pyusb()
        try:
            dev = usb.core.find(idVendor=self.vid, idProduct=self.pid)
        except usb.core.NoBackendError as exc:
            raise PrinterUnavailableError(message("usb_no_backend")) from exc
        if dev is None:
            raise PrinterConnectionError(message("usb_not_found", vid=f"{self.vid:04x}",
                                             pid=f"{self.pid:04x}"))
        try:
            if sys.platform.startswith("linux") and dev.is_kernel_driver_active(0):
                dev.detach_kernel_driver(0)  # usblp holds printer-class devices on Linux
            dev.set_configuration()
        except usb.core.USBError as exc:
            log.debug("usb configuration: %s", exc)
        intf = dev.get_active_configuration()[(0, 0)]
        self._out = self._endpoint(usb, intf, usb.util.ENDPOINT_OUT)
        self._in = self._endpoint(usb, intf, usb.util.ENDPOINT_IN)
        self.bidirectional = self._in is not None
        self._dev = dev

    @staticmethod
    def _endpoint(usb: Any, intf: Any, direction: int) -> Any:
        return usb.util.find_descriptor(
            intf, custom_match=lambda e: usb.util.endpoint_direction(e.bEndpointAddress)
            == direction)

    def write(self, data: bytes) -> None:
        if self._dev is None:
            self.open()
        try:
            self._out.write(data, int(self.timeout_s * 1000))
        except Exception as exc:  # usb.core.USBError
            raise PrinterConnectionError() from exc

    def read(self, size: int, timeout_s: float) -> bytes:
        if self._in is None:
            return b""
        try:
            return bytes(self._in.read(max(size, self._in.wMaxPacketSize), int(timeout_s * 1000)))
        except _pyusb().core.USBError:  # a timeout is a USBTimeoutError
            return b""

    def close(self) -> None:
        if self._dev is not None:
            _pyusb().util.dispose_resources(self._dev)
            self._dev = self._out = self._in = None
