"""Terminal authentication of API views: `require_terminal(permission)` (docs/api.md).

Order of checks: client version (426), header shape (401 auth_required), terminal state,
fingerprint, timestamp window, Ed25519 signature over the canonical string, then the nonce is
recorded (replay → 401) and finally the category permission (403). On success `flask.g.terminal`
is the caller's `TerminalContext`.

A mutating view (`@idempotent`) authenticates inside its own unit of work, so the nonce commits
with the operation in one transaction; if the operation then fails, the nonce is recorded in a
short transaction of its own, so a failed request cannot be replayed either. Other views
authenticate in a short transaction before they run.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import g, request
from sqlalchemy.orm import Session

from cloud_api.api._request import request_target
from cloud_api.context import cloud
from cloud_api.db import relaxed_unit_of_work
from cloud_api.errors import ApiError, AuthError, Forbidden
from cloud_api.services import terminal_auth
from cloud_api.services.terminal_auth import SignedRequest

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
AUTHENTICATES_IN_UNIT_OF_WORK = "authenticates_in_unit_of_work"   # set by @idempotent


def version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.strip().split("."):
        number = "".join(ch for ch in piece if ch.isascii() and ch.isdigit())[:9]
        parts.append(int(number) if number else 0)
    return tuple(parts)


def check_client_version() -> None:
    """426 version_too_old when X-MyKey-Client-Version is below settings.min_terminal_version."""
    minimum = cloud().settings.min_terminal_version
    sent = request.headers.get("X-MyKey-Client-Version", "")
    if not sent or version_tuple(sent) < version_tuple(minimum):
        raise ApiError("version_too_old", 426, min_version=minimum)


def signed_request() -> SignedRequest:
    h = request.headers
    return SignedRequest(request.method, request_target(request.environ),
                         request.get_data(cache=True),
                         h.get("X-MyKey-Terminal", ""), h.get("X-MyKey-Timestamp", ""),
                         h.get("X-MyKey-Nonce", ""), h.get("X-MyKey-Fingerprint", ""),
                         h.get("X-MyKey-Signature", ""))


def authenticate(session: Session, req: SignedRequest, permission: str | None) -> None:
    """Run every check in the session's transaction; sets g.terminal (before the permission
    check: a signed request refused for its category has still used its nonce)."""
    c = cloud()
    context = terminal_auth.authenticate(session, req, c.clock.now(),
                                         c.settings.signature_window_s, c.terminal_rows)
    g.terminal = context
    if permission is not None and permission not in context.permissions:
        raise Forbidden("forbidden_category")


def require_terminal(permission: str | None = None) -> Callable[[F], F]:
    """View decorator: the request must be signed by a registered terminal with `permission`."""
    def decorate(view: F) -> F:
        in_unit_of_work = getattr(view, AUTHENTICATES_IN_UNIT_OF_WORK, False)

        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            check_client_version()
            req = signed_request()
            if not in_unit_of_work:
                # A nonce is not money: this commit does not wait for the disk.
                with relaxed_unit_of_work(cloud().sessions) as session:
                    authenticate(session, req, permission)
                return view(*args, **kwargs)
            g.authenticate = functools.partial(authenticate, req=req, permission=permission)
            try:
                return view(*args, **kwargs)
            except BaseException:
                if g.get("terminal") is not None:   # signed and verified, then failed
                    _spend_nonce(req)
                raise
        return wrapper  # type: ignore[return-value]
    return decorate


def _spend_nonce(req: SignedRequest) -> None:
    """Record the nonce of a verified request whose operation was rolled back."""
    c = cloud()
    try:
        with relaxed_unit_of_work(c.sessions) as session:
            terminal_auth.record_nonce(session, req.terminal_id, req.nonce, c.clock.now())
    except AuthError:
        pass    # a concurrent retry of the same request has recorded it


def authenticate_in(session: Session) -> None:
    """Called by `@idempotent` first thing in its unit of work (see the module docstring)."""
    pending = g.pop("authenticate", None)
    if pending is not None:
        pending(session)
