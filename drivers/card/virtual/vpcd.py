"""Puts a virtual My Number card behind vsmartcard's vpcd reader driver (server mode).

The card connects to vpcd's TCP port; closing the socket = card removed. Framing: 2-byte
big-endian length + payload; a 1-byte payload is a control code (00 off, 01 on, 02 reset,
04 get ATR), anything longer is a command APDU answered with the response APDU.
TCP_NODELAY and a re-armed TCP_QUICKACK avoid ~40 ms of delayed-ACK per APDU.

    python -m drivers.card.virtual.vpcd CARD.json [--port 35963] [--delay-ms 0]
prints "connected" once vpcd has accepted the card, then serves until SIGTERM / EOF.
"""
from __future__ import annotations

import argparse
import logging
import signal
import socket
import sys
import time
from pathlib import Path

from drivers.card.virtual.card import ATR, VirtualCard

log = logging.getLogger(__name__)

VPCD_PORT = 0x8C7B
CTRL_OFF, CTRL_ON, CTRL_RESET, CTRL_ATR = 0, 1, 2, 4


def connect(host: str, port: int, deadline_s: float) -> socket.socket:
    """Connect to vpcd, retrying while pcscd is still loading the driver."""
    end = time.monotonic() + deadline_s
    while True:
        try:
            sock = socket.create_connection((host, port), timeout=1.0)
            break
        except OSError:
            if time.monotonic() > end:
                raise
            time.sleep(0.02)  # vpcd not listening yet: no event to wait for across processes
    sock.settimeout(None)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        _quickack(sock)
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def _quickack(sock: socket.socket) -> None:
    if hasattr(socket, "TCP_QUICKACK"):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)


def serve(card: VirtualCard, sock: socket.socket) -> None:
    """Answer vpcd until it closes the connection."""
    while True:
        try:
            size = int.from_bytes(_recv_exact(sock, 2), "big")
            payload = _recv_exact(sock, size)
        except (EOFError, OSError):
            return
        reply = handle(card, payload)
        if reply is not None:
            sock.sendall(len(reply).to_bytes(2, "big") + reply)


def handle(card: VirtualCard, payload: bytes) -> bytes | None:
    """One vpcd message: control codes or an APDU."""
    if len(payload) == 1:
        code = payload[0]
        if code == CTRL_ATR:
            return ATR
        if code in (CTRL_ON, CTRL_RESET):
            card.power_on()
        elif code == CTRL_OFF:
            card.power_off()
        return None
    return card.process(payload)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the card process (run inside the lab's network namespace)."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    card = VirtualCard.from_file(Path(args.card), delay_ms=args.delay_ms)
    sock = connect(args.host, args.port, args.connect_timeout_s)
    signal.signal(signal.SIGTERM, lambda *_: _close(sock))
    print("connected", flush=True)
    serve(card, sock)
    return 0


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="drivers.card.virtual.vpcd", description=__doc__.splitlines()[0])
    p.add_argument("card")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=VPCD_PORT)
    p.add_argument("--delay-ms", type=float, default=0.0)
    p.add_argument("--connect-timeout-s", type=float, default=10.0)
    return p


if __name__ == "__main__":
    sys.exit(main())
