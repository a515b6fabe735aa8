"""The card-reader interface every backend implements: `ReaderStatus`, `CardConnection`, `CardReader`.

Backends (`pcsc.py`, `virtual/reader.py`) and the protocol layer (`jpki.py`) import this module;
`reader.open_reader` picks a backend from a `kind:path` string.
"""
from __future__ import annotations

import enum
from types import TracebackType
from typing import Protocol, Self, runtime_checkable


class ReaderStatus(enum.Enum):
    """What the reader can tell without talking to the card."""

    NO_SERVICE = "no_service"
    NO_READER = "no_reader"
    NO_CARD = "no_card"
    CARD_PRESENT = "card_present"


@runtime_checkable
class CardConnection(Protocol):
    """A powered card session; leaving the `with` block powers the card down."""

    atr: bytes

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        """Send one command APDU, return (response data, SW1SW2)."""
        ...

    def close(self) -> None:
        """Disconnect and power the card down (idempotent)."""
        ...

    def __enter__(self) -> Self:
        ...

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        ...


@runtime_checkable
class CardReader(Protocol):
    """One card slot, whatever the backend."""

    name: str

    def status(self) -> ReaderStatus:
        """Current state without blocking."""
        ...

    def connect(self) -> CardConnection:
        """Power the card up; raises ReaderUnavailable / NoReader / NoCard / CardBusy."""
        ...

    def wait_for_change(self, timeout_s: float) -> ReaderStatus:
        """Block until a card is inserted or removed (or the timeout), return the new state."""
        ...
