"""Card errors: every one carries a Japanese `.message` for the clerk and a stable `.code`.

`code` doubles as the machine-readable failure kind (card-info's JSON output, logs).
"""
from __future__ import annotations

from drivers.card.messages import message


class CardError(Exception):
    """Base of all card-driver errors shown to the operator."""

    code = "card_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ReaderUnavailable(CardError):
    """The PC/SC service (or pyscard) is not available."""

    code = "reader_unavailable"

    def __init__(self, detail: str = "") -> None:
        super().__init__(message("reader_unavailable"))
        self.detail = detail


class NoReader(CardError):
    """The service runs but no (matching) reader is attached."""

    code = "no_reader"

    def __init__(self) -> None:
        super().__init__(message("no_reader"))


class NoCard(CardError):
    """The reader is empty."""

    code = "no_card"

    def __init__(self) -> None:
        super().__init__(message("no_card"))


class CardRemoved(CardError):
    """The card left the reader during an operation."""

    code = "card_removed"

    def __init__(self) -> None:
        super().__init__(message("card_removed"))


class CardBusy(CardError):
    """Another application holds the card exclusively."""

    code = "card_busy"

    def __init__(self) -> None:
        super().__init__(message("card_busy"))


class NotMyNumberCard(CardError):
    """The card has no JPKI application or a token label of something else."""

    code = "not_mynumber_card"

    def __init__(self, detail: str = "") -> None:
        super().__init__(message("not_mynumber_card"))
        self.detail = detail


class WrongPin(CardError):
    """A VERIFY failed; `tries_left` more failures are allowed before the key locks."""

    code = "wrong_pin"

    def __init__(self, tries_left: int, what: str = "") -> None:
        self.what = what or message("auth_pin")
        super().__init__(message("wrong_pin", what=self.what, tries=tries_left))
        self.tries_left = tries_left


class PinBlocked(CardError):
    """The key is locked (63C0 / 6983 / 6984): only the municipal office can reset it."""

    code = "pin_blocked"

    def __init__(self, what: str = "") -> None:
        self.what = what or message("auth_pin")
        super().__init__(message("pin_blocked", what=self.what))


class CardProtocolError(CardError):
    """The card answered something the protocol does not allow here."""

    code = "protocol_error"

    def __init__(self, sw: int, detail: str = "") -> None:
        super().__init__(message("protocol_error", sw=sw))
        self.sw = sw
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.message} {self.detail}".strip()


class InvalidInput(CardError):
    """Operator input (PIN, password, 照合番号B, reader spec) is malformed; nothing was sent."""

    code = "invalid_input"
