"""A PC/SC client driven line by line over stdin/stdout (one JSON request -> one JSON reply).

Tests run it as a child process because libpcsclite reads PCSCLITE_CSOCK_NAME only once per
process: the child talks to the lab's isolated pcscd, the pytest process never touches PC/SC.
"""
from __future__ import annotations

import json
import sys
import time
from typing import Any

from drivers.card import CardError, MyNumberCard, ReaderStatus, open_reader


class Client:
    """Holds the reader and, between requests, an open connection."""

    def __init__(self) -> None:
        self.reader = open_reader("pcsc")
        self.held: Any = None

    def op_open(self, spec: str) -> dict[str, Any]:
        self.reader = open_reader(spec)
        return {"status": self.reader.status().value}

    def op_status(self) -> dict[str, Any]:
        return {"status": self.reader.status().value}

    def op_wait_for(self, status: str, timeout_s: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        state = self.reader.status()
        while state.value != status and time.monotonic() < deadline:
            state = self.reader.wait_for_change(deadline - time.monotonic())
        return {"status": state.value}

    def op_read(self) -> dict[str, Any]:
        with self.reader.connect() as conn:
            card = MyNumberCard(conn)
            t0 = time.perf_counter()
            cert = card.read_auth_certificate()
            elapsed = time.perf_counter() - t0
        return {"serial": cert.serial, "apdus": card.apdu_count, "seconds": elapsed}

    def op_verify(self, pin: str) -> dict[str, Any]:
        with self.reader.connect() as conn:
            MyNumberCard(conn).verify_auth_pin(pin)
        return {"verified": True}

    def op_sign(self, pin: str, message_hex: str) -> dict[str, Any]:
        with self.reader.connect() as conn:
            signature = MyNumberCard(conn).sign_with_auth_key(pin, bytes.fromhex(message_hex))
        return {"signature": signature.hex()}

    def op_basic_info(self, collation_b: str) -> dict[str, Any]:
        with self.reader.connect() as conn:
            info = MyNumberCard(conn).read_basic_info(collation_b=collation_b)
        return {"name": info.name, "birth": info.birth.isoformat()}

    def op_hold(self) -> dict[str, Any]:
        self.held = self.reader.connect()
        return {"atr": self.held.atr.hex()}

    def op_read_held(self) -> dict[str, Any]:
        try:
            return {"serial": MyNumberCard(self.held).read_auth_certificate().serial}
        finally:
            self.held.close()


def main() -> int:
    client = Client()
    for line in sys.stdin:
        request = json.loads(line)
        try:
            reply = getattr(client, "op_" + request.pop("op"))(**request)
        except CardError as exc:
            reply = {"error": exc.code, "tries_left": getattr(exc, "tries_left", None)}
        print(json.dumps(reply), flush=True)
    return 0


assert ReaderStatus  # the statuses travel as ReaderStatus.value strings
if __name__ == "__main__":
    sys.exit(main())
