"""The in-process `virtual:` reader: a slot whose card can be inserted and removed at run time.

Demo mode and tests call `insert(card_file)` / `remove()`; `wait_for_change` wakes on either.
A connection notices removal on its next APDU (CardRemoved), like a real reader.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Self

from drivers.card.base import ReaderStatus
from drivers.card.errors import CardRemoved, NoCard
from drivers.card.virtual.card import VirtualCard

log = logging.getLogger(__name__)


class VirtualReader:
    """An in-process reader slot holding at most one VirtualCard."""

    def __init__(self, card_file: Path | None = None, *, delay_ms: float = 0.0,
                 name: str = "MyKey Virtual Reader") -> None:
        self.name = name
        self.delay_ms = delay_ms
        self._changed = threading.Condition()
        self._card: VirtualCard | None = None
        self._generation = 0
        if card_file is not None:
            self.insert(card_file)

    def insert(self, card_file: Path) -> None:
        """Put the card described by `card_file` into the slot (replacing any card)."""
        card = VirtualCard.from_file(Path(card_file), delay_ms=self.delay_ms)
        with self._changed:
            self._card = card
            self._generation += 1
            self._changed.notify_all()
        log.info("virtual card inserted")

    def remove(self) -> None:
        """Take the card out of the slot."""
        with self._changed:
            if self._card is not None:
                self._card.power_off()
            self._card = None
            self._generation += 1
            self._changed.notify_all()
        log.info("virtual card removed")

    @property
    def card(self) -> VirtualCard | None:
        """The card in the slot (tests inspect its APDU count)."""
        return self._card

    def status(self) -> ReaderStatus:
        """CARD_PRESENT or NO_CARD."""
        return ReaderStatus.CARD_PRESENT if self._card is not None else ReaderStatus.NO_CARD

    def connect(self) -> VirtualConnection:
        """Power the card up."""
        with self._changed:
            if self._card is None:
                raise NoCard()
            card, generation = self._card, self._generation
        return VirtualConnection(self, card, generation, card.power_on())

    def wait_for_change(self, timeout_s: float) -> ReaderStatus:
        """Block until insert/remove or `timeout_s`, return the state then."""
        deadline = time.monotonic() + timeout_s
        with self._changed:
            start = self._generation
            while self._generation == start:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(left)
        return self.status()

    def _still_there(self, card: VirtualCard, generation: int) -> bool:
        with self._changed:
            return self._card is card and self._generation == generation


class VirtualConnection:
    """A powered session with the virtual card."""

    def __init__(self, reader: VirtualReader, card: VirtualCard, generation: int,
                 atr: bytes) -> None:
        self._reader, self._card, self._generation = reader, card, generation
        self.atr = atr
        self._open = True

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        """Exchange one APDU; CardRemoved once the card has left the slot."""
        if not self._open or not self._reader._still_there(self._card, self._generation):
            raise CardRemoved()
        return self._card.transmit(bytes(apdu))

    def close(self) -> None:
        """Power the card down (drops any verified PIN)."""
        if self._open:
            self._open = False
            self._card.power_off()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
