"""The three kinds of failure the terminal knows: user-facing, cancelled, and (anything else) bugs.

`UserFacingError` carries a stable code and the Japanese text for the clerk (from
terminal_app.messages); `FieldErrors` is a user-facing error about form fields (field -> text);
`OutcomeUnknown` says a mutating request may or may not have been applied and can be replayed
with the same idempotency key. `Cancelled` is silent. See terminal_app.services.errors.classify.
"""
from __future__ import annotations

from terminal_app.messages import message


class UserFacingError(Exception):
    """An error the clerk can act on; `str(exc)` is the Japanese message."""

    def __init__(self, code: str, text: str | None = None, **params: object) -> None:
        self.code = code
        self.params = params
        self.message = text if text is not None else message(code, **params)
        super().__init__(self.message)


class DeviceError(UserFacingError):
    """A hardware driver's error (card, printer, keyboard) with the driver's Japanese text."""

    def __init__(self, device: str, code: str, text: str) -> None:
        self.device = device
        super().__init__(code, text)


class FieldErrors(UserFacingError):
    """Invalid form input: `errors` maps field name -> Japanese message (first one is shown)."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        first = next(iter(self.errors.values()), message("required", label="入力"))
        super().__init__("validation_failed", first)


class OutcomeUnknown(UserFacingError):
    """A mutating request was written to the outbox but no answer came back; replay `key`."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__("outcome_unknown")


class Cancelled(Exception):
    """The operator cancelled; nothing to show."""
