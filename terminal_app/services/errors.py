"""The one place that sorts failures: user-facing (Japanese text), cancelled (silent), bug.

Drivers raise their own error types with Japanese messages (CardError.message,
PrinterError.user_message, KeystrokeUnavailable); `as_user_facing` converts them; `classify`
tells the UI / CLI what to show. Anything unknown is a bug: logged with its traceback and shown
as a short apology carrying a report id.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from terminal_app.domain.errors import (
    Cancelled,
    DeviceError,
    FieldErrors,
    OutcomeUnknown,
    UserFacingError,
)
from terminal_app.messages import message

log = logging.getLogger(__name__)

__all__ = [
    "Cancelled",
    "DeviceError",
    "FieldErrors",
    "OutcomeUnknown",
    "Sorted",
    "UserFacingError",
    "as_user_facing",
    "classify",
    "device_errors",
]


@dataclass(frozen=True)
class Sorted:
    """What to do with an exception: kind is "user", "cancelled" or "bug"."""

    kind: str
    message: str
    code: str
    report_id: str | None = None
    outcome_key: str | None = None


def as_user_facing(exc: BaseException) -> UserFacingError | None:
    """The user-facing form of a driver error, or None when it is not one."""
    if isinstance(exc, UserFacingError):
        return exc
    for attr in ("message", "user_message"):
        text = getattr(exc, attr, None)
        module = type(exc).__module__
        if isinstance(text, str) and text and module.startswith("drivers."):
            device = module.split(".")[1]
            return DeviceError(device, str(getattr(exc, "code", None) or type(exc).__name__),
                               text)
    return None


def classify(exc: BaseException) -> Sorted:
    """Sort `exc`; bugs are logged here (once) with a report id."""
    if isinstance(exc, Cancelled):
        return Sorted("cancelled", "", "cancelled")
    user = as_user_facing(exc)
    if user is not None:
        key = user.key if isinstance(user, OutcomeUnknown) else None
        return Sorted("user", user.message, user.code, getattr(user, "report_id", None), key)
    report_id = uuid.uuid4().hex[:12]
    log.error("unexpected error, report id %s", report_id, exc_info=exc)
    return Sorted("bug", message("internal_error", report_id=report_id), "internal_error",
                  report_id)


@contextmanager
def device_errors() -> Iterator[None]:
    """Re-raise driver errors (card, printer, keyboard) as UserFacingError."""
    try:
        yield
    except (UserFacingError, Cancelled):
        raise
    except Exception as exc:
        user = as_user_facing(exc)
        if user is None:
            raise
        raise user from exc
