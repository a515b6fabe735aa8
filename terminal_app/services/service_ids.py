"""Service IDs (category A): registration (画面23/24), lookup (画面25/26) and the four hand-over
modes of 画面26 — number shown, barcode shown, ID auto hand-off (keystrokes into the linked
system), label printed.

Registration with address-change notices also reads the signature certificate's serial with
the holder's 6-16 character signature password; a card without one is a clear error.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from terminal_app.domain import rules
from terminal_app.domain.errors import UserFacingError
from terminal_app.domain.models import CardRead, ServiceIdLookup, ServiceIdRegistration
from terminal_app.services.cards import CardService, Progress, _quiet
from terminal_app.services.session import CloudSession

if TYPE_CHECKING:
    from drivers.keyboard.sender import KeystrokeSender

log = logging.getLogger(__name__)

LOOKUP_MODES = ("number", "barcode", "handoff", "label")
KeystrokeFactory = Callable[[], AbstractContextManager["KeystrokeSender"]]


class ServiceIdService:
    """Service-ID tasks of an ID-granting business's terminal."""

    def __init__(self, session: CloudSession, cards: CardService,
                 keystrokes: KeystrokeFactory, terminator: str = "enter") -> None:
        self.session = session
        self.cards = cards
        self._keystrokes = keystrokes
        self.terminator = terminator

    def register(self, card: CardRead, customer_id: str, *, address_notice: bool = False,
                 sign_password: str | None = None, key: str | None = None,
                 progress: Progress = _quiet) -> ServiceIdRegistration:
        """登録: bind the user's card number to their MyKey ID for this terminal's business."""
        number = rules.customer_id(customer_id)
        serial = None
        if address_notice:
            serial = self.cards.sign_certificate_serial(sign_password or "", progress)
            if serial is None:
                raise UserFacingError("no_sign_certificate")
        result = self.session.client().register_service_id(
            card.card_token, number, address_notice, serial, key=rules.idempotency_key(key))
        log.info("service ID registered for %s", result.mykey_id)
        return result

    def lookup(self, card: CardRead) -> ServiceIdLookup:
        """照会: the holder's service ID and how this business wants it handed over."""
        return self.session.client().lookup_service_id(card.card_token)

    def read_and_lookup(self, progress: Progress = _quiet) -> ServiceIdLookup:
        """Card on the reader -> service ID (what a POS calls without the UI)."""
        return self.lookup(self.cards.read(progress))

    def hand_off(self, lookup: ServiceIdLookup, return_focus_from: int | None = None) -> None:
        """ID自動引渡し: type the number into the linked system's focused field.

        `return_focus_from`: our own window's native id, so the linked system (the window
        active before ours) gets the focus back before the keystrokes."""
        from drivers.keyboard import KeystrokeInputError, KeystrokeUnavailable

        try:
            with self._keystrokes() as sender:
                sender.type_text(lookup.customer_id, terminator=self.terminator,
                                 return_focus_from=return_focus_from)
        except (KeystrokeUnavailable, KeystrokeInputError) as exc:
            raise UserFacingError("keystrokes_unavailable", str(exc)) from exc
        log.info("service ID handed off by keystrokes")
