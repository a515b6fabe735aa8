"""Terminal authentication of API views: `require_terminal(permission)` (docs/api.md).

Order of checks: client version (426), header shape (401 auth_required), terminal state,
fingerprint, timestamp window, Ed25519 signature over the canonical string, then the nonce is
recorded in its own committed transaction (replay → 401) and finally the category permission
(403). On success `flask.g.terminal` is the caller's `TerminalContext`.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import g, request

from cloud_api.app import cloud
from cloud_api.db import relaxed_unit_of_work
from cloud_api.errors import ApiError, Forbidden
from cloud_api.services import terminal_auth
from cloud_api.services.cards import derive_token_secret, use_token_secret
from cloud_api.services.terminal_auth import SignedRequest

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


def version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.strip().split("."):
        digits = "".join(ch for ch in piece if ch.isdigit()) if piece else ""
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def check_client_version() -> None:
    """426 version_too_old when X-MyKey-Client-Version is below settings.min_terminal_version."""
    minimum = cloud().settings.min_terminal_version
    sent = request.headers.get("X-MyKey-Client-Version", "")
    if not sent or version_tuple(sent) < version_tuple(minimum):
        raise ApiError("version_too_old", 426, min_version=minimum)


def signed_request() -> SignedRequest:
    h = request.headers
    query = request.query_string.decode("latin-1")
    path = request.script_root + request.path + (f"?{query}" if query else "")
    return SignedRequest(request.method, path, request.get_data(cache=True),
                         h.get("X-MyKey-Terminal", ""), h.get("X-MyKey-Timestamp", ""),
                         h.get("X-MyKey-Nonce", ""), h.get("X-MyKey-Fingerprint", ""),
                         h.get("X-MyKey-Signature", ""))


def authenticate(permission: str | None) -> None:
    """Run every check; sets g.terminal."""
    check_client_version()
    c = cloud()
    req, now, window = signed_request(), c.clock.now(), c.settings.signature_window_s
    # One short transaction, committed before the operation: a failed operation still spends
    # its nonce, and an invalid request records nothing (verify raises before the insert).
    # A nonce is not money: its commit does not wait for the disk (see relaxed_unit_of_work).
    with relaxed_unit_of_work(c.sessions) as session:
        context = terminal_auth.verify(session, req, now, window)
        terminal_auth.record_nonce(session, req.terminal_id, req.nonce, now, window)
    if permission is not None and permission not in context.permissions:
        raise Forbidden("forbidden_category")
    g.terminal = context


def require_terminal(permission: str | None = None) -> Callable[[F], F]:
    """View decorator: the request must be signed by a registered terminal with `permission`."""
    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            authenticate(permission)
            return view(*args, **kwargs)
        return wrapper  # type: ignore[return-value]
    return decorate


def bind_card_token_secret() -> None:
    """Before every request: the card-token secret of this app (see services.cards)."""
    from flask import current_app

    use_token_secret(derive_token_secret(str(current_app.config["SECRET_KEY"])))
