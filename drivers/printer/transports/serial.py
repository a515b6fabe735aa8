"""Serial transport (`serial:/dev/ttyUSB0` or `serial:COM3`, optional `@baud`), via pyserial."""
from __future__ import annotations

import logging
from typing import Any

from drivers.printer.errors import PrinterConnectionError, PrinterUnavailableError
from drivers.printer.messages import message
from drivers.printer.transports.base import Transport

log = logging.getLogger(__name__)


def _pyserial() -> Any:
    try:
        import serial
    except ImportError as exc:
        raise PrinterUnavailableError(message("serial_unavailable")) from exc
    return serial


class SerialTransport(Transport):
    """RS-232C/USB-serial printer; bidirectional. 8N1 with RTS/CTS as Epson ships them."""

    bidirectional = True

    def __init__(self, device: str, baudrate: int = 38400, timeout_s: float = 10.0,
                 rtscts: bool = True) -> None:
        super().__init__(f"serial:{device}")
        self.device, self.baudrate, self.timeout_s = device, baudrate, timeout_s
        self.rtscts = rtscts
        self._port: Any = None

    def open(self) -> None:
        serial = _pyserial()
        try:
            self._port = serial.Serial(self.device, self.baudrate, timeout=self.timeout_s,
                                       write_timeout=self.timeout_s, rtscts=self.rtscts)
        except (OSError, serial.SerialException) as exc:
            raise PrinterConnectionError(message("connect_failed", target=self.target)) from exc

    def write(self, data: bytes) -> None:
        if self._port is None:
            self.open()
        try:
            self._port.write(data)
            self._port.flush()
        except Exception as exc:  # pyserial raises SerialException / SerialTimeoutException
            raise PrinterConnectionError() from exc

    def read(self, size: int, timeout_s: float) -> bytes:
        if self._port is None:
            return b""
        self._port.timeout = timeout_s
        try:
            return bytes(self._port.read(size))
        finally:
            self._port.timeout = self.timeout_s

    def close(self) -> None:
        if self._port is not None:
            self._port.close()
            self._port = None
