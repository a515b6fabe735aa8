"""Reading My Number cards at the counter: auth certificate -> cloud -> MyKey ID and balances.

The reader comes from config (`reader_spec`, drivers.card.open_reader) or is injected. Every
card error of the driver (no reader service, no reader, no card, removed, not a My Number card,
wrong PIN with tries left, blocked) reaches the caller as a UserFacingError carrying the
driver's Japanese message. `progress(text, fraction)` reports steps for the UI.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from terminal_app.domain import rules
from terminal_app.domain.models import CardRead
from terminal_app.messages import message
from terminal_app.services.errors import device_errors
from terminal_app.services.session import CloudSession

if TYPE_CHECKING:
    from drivers.card.base import CardReader
    from drivers.card.jpki import AuthCertificate, MyNumberCard

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]
ReaderFactory = Callable[[], "CardReader"]


def _quiet(text: str, fraction: float) -> None:
    """The default progress sink."""


class CardService:
    """One card operation at a time per reader (the reader is one physical slot)."""

    def __init__(self, session: CloudSession, reader_factory: ReaderFactory) -> None:
        self.session = session
        self._reader_factory = reader_factory
        self._reader: CardReader | None = None
        self._lock = threading.Lock()

    @property
    def reader(self) -> CardReader:
        if self._reader is None:
            with device_errors():
                self._reader = self._reader_factory()
        return self._reader

    def wait_for_card(self, timeout_s: float) -> bool:
        """Block until a card is in the reader, at most `timeout_s`; True when one is.

        For a POS or library system that calls right after the card is set: the PC/SC service
        may not have noticed the card yet. On timeout the read that follows reports "no card"
        in Japanese as usual.
        """
        from drivers.card import ReaderStatus

        deadline = time.monotonic() + timeout_s
        with device_errors():
            status = self.reader.status()
            while status is not ReaderStatus.CARD_PRESENT:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                status = self.reader.wait_for_change(min(left, 1.0))
        return True

    @contextmanager
    def card(self, progress: Progress = _quiet) -> Iterator[MyNumberCard]:
        """A connected drivers.card MyNumberCard; the card is powered down on exit."""
        from drivers.card.jpki import MyNumberCard

        with self._lock, device_errors():
            progress(message("progress_connect"), 0.05)
            with self.reader.connect() as conn:
                yield MyNumberCard(conn)

    def read_certificate(self, progress: Progress = _quiet) -> AuthCertificate:
        """The user-authentication certificate (no PIN needed)."""
        with self.card(progress) as card:
            progress(message("progress_certificate"), 0.2)
            return card.read_auth_certificate()

    def read(self, progress: Progress = _quiet) -> CardRead:
        """Read the card and resolve it: MyKey ID, card token, balances usable here."""
        certificate = self.read_certificate(progress)
        progress(message("progress_cloud"), 0.7)
        result = self.session.client().read_card(certificate.der)
        progress(message("progress_done"), 1.0)
        log.info("card read: MyKey ID %s, %d balances", result.mykey_id, len(result.balances))
        return result

    def read_shopping(self, customer_id: str) -> CardRead:
        """A shopping-street point card (keyboard wedge) resolved through its service ID."""
        clean = rules.customer_id(customer_id, code="shopping_id_format")
        return self.session.client().read_shopping_card(clean)

    def sign_certificate_serial(self, password: str, progress: Progress = _quiet) -> str | None:
        """The signature certificate's serial (hex) after the 6-16 char password, or None."""
        clean = rules.sign_password(password)
        with self.card(progress) as card:
            progress(message("progress_sign_cert"), 0.5)
            serial = card.read_sign_certificate_serial(clean)
        return None if serial is None else format(serial, "X")

    def sign_challenge(self, pin: str, challenge: bytes,
                       progress: Progress = _quiet) -> tuple[bytes, bytes]:
        """(auth certificate DER, signature over `challenge` with the card's auth key)."""
        clean = rules.auth_pin(pin)
        with self.card(progress) as card:
            progress(message("progress_certificate"), 0.2)
            certificate = card.read_auth_certificate()
            progress(message("progress_pin"), 0.5)
            return certificate.der, card.sign_with_auth_key(clean, challenge)
