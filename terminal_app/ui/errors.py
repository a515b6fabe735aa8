"""How a failure is shown on screen, on top of the core's one sorting place
(`terminal_app.services.errors.classify`: user-facing / cancelled / bug with a report id).

The UI adds one kind: an outcome the core could not confirm (`OutcomeUnknown`) gets a 再確認
action that replays the same request with the same idempotency key.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from terminal_app.services.errors import classify

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ErrorView:
    """What the status strip shows for a failure."""

    text: str
    kind: str  # "user" | "cancelled" | "unknown_outcome" | "bug"
    outcome_key: str | None = None


def describe(exc: BaseException) -> ErrorView:
    """Sort `exc` (bugs are logged by the core with their traceback and a report id)."""
    sorted_ = classify(exc)
    if sorted_.outcome_key:
        return ErrorView(sorted_.message, "unknown_outcome", sorted_.outcome_key)
    return ErrorView(sorted_.message, sorted_.kind)
