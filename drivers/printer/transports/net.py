"""TCP transport (`escpos-net:HOST:PORT`, port 9100 on Epson network interfaces)."""
from __future__ import annotations

import logging
import socket

from drivers.printer.errors import PrinterConnectionError
from drivers.printer.messages import message
from drivers.printer.transports.base import Transport

log = logging.getLogger(__name__)


class NetworkTransport(Transport):
    """Raw TCP to the printer's port; bidirectional (status replies come back)."""

    bidirectional = True

    def __init__(self, host: str, port: int = 9100, timeout_s: float = 10.0) -> None:
        super().__init__(f"escpos-net:{host}:{port}")
        self.host, self.port, self.timeout_s = host, port, timeout_s
        self._sock: socket.socket | None = None

    def open(self) -> None:
        try:
            self._sock = socket.create_connection((self.host, self.port), self.timeout_s)
            # status requests are 3-byte writes waiting for a 1-byte reply: no Nagle delay
            self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError as exc:
            raise PrinterConnectionError(message("connect_failed", target=self.target)) from exc

    def write(self, data: bytes) -> None:
        if self._sock is None:
            self.open()
        assert self._sock is not None
        try:
            self._sock.sendall(data)
        except OSError as exc:
            raise PrinterConnectionError() from exc

    def read(self, size: int, timeout_s: float) -> bytes:
        if self._sock is None:
            return b""
        self._sock.settimeout(timeout_s)
        try:
            data = self._sock.recv(size)
        except TimeoutError:
            return b""
        except OSError as exc:
            raise PrinterConnectionError() from exc
        finally:
            self._sock.settimeout(self.timeout_s)
        if not data:  # the printer closed the connection (power cycle, idle timeout)
            raise PrinterConnectionError()
        return data

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
