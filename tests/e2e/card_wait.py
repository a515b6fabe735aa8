"""`python -m tests.e2e.card_wait STATUS TIMEOUT_S`: block until pcscd reports STATUS.

Run as a child process with the lab's PCSCLITE_CSOCK_NAME (libpcsclite reads it once per
process). vpcd accepting the virtual card does not mean pcscd has noticed it yet; this waits on
SCardGetStatusChange (the reader's wait_for_change), not on a sleep. Exit 0 when the reader
reached STATUS, 1 on timeout.
"""
from __future__ import annotations

import logging
import sys
import time

from drivers.card import open_reader

log = logging.getLogger(__name__)


def wait_for(status: str, timeout_s: float) -> bool:
    """True once the pcsc reader's status is `status` (e.g. card_present), False on timeout."""
    reader = open_reader("pcsc")
    deadline = time.monotonic() + timeout_s
    state = reader.status()
    while state.value != status and time.monotonic() < deadline:
        state = reader.wait_for_change(deadline - time.monotonic())
    return state.value == status


def main(argv: list[str]) -> int:
    return 0 if wait_for(argv[0], float(argv[1])) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
