"""Session security of the console: CSRF tokens, the 30-minute idle timeout, login guards.

The session is Flask's signed cookie (HttpOnly, SameSite=Lax). It holds the identity, a random
CSRF token that every POST form must echo, and the time of the last request (from the app clock,
so tests can move time instead of sleeping).
"""
from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from flask import g, redirect, request, session, url_for
from werkzeug.wrappers import Response

from cloud_api.context import cloud
from cloud_api.services.console.identity import ConsoleIdentity

IDLE_TIMEOUT_S = 30 * 60
F = TypeVar("F", bound=Callable[..., Any])


class CsrfFailed(Exception):
    """A POST without the session's CSRF token."""


class NotAllowed(Exception):
    """The logged-in party may not use this screen or see this data."""


def csrf_token() -> str:
    """The session's token, created on first use (also before login, for the login form)."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


def check_csrf() -> None:
    if request.method != "POST":
        return
    sent = request.form.get("csrf_token", "")
    if not sent or not hmac.compare_digest(sent, str(session.get("csrf", ""))):
        raise CsrfFailed()


def touch_session() -> str | None:
    """Load the identity into g; return a message code when the session just timed out."""
    g.identity = None
    data = session.get("identity")
    if not data:
        return None
    now = cloud().clock.now().timestamp()
    if now - float(session.get("seen", 0)) > IDLE_TIMEOUT_S:
        end_session()
        return "web_session_expired"
    session["seen"] = now
    g.identity = ConsoleIdentity.from_session(data)
    return None


def start_session(identity: ConsoleIdentity) -> None:
    """A fresh session (new CSRF token) so a pre-login cookie cannot be fixed on the victim."""
    session.clear()
    session["identity"] = identity.to_session()
    session["seen"] = cloud().clock.now().timestamp()
    session["csrf"] = secrets.token_urlsafe(32)


def end_session() -> None:
    session.clear()


def current() -> ConsoleIdentity:
    identity: ConsoleIdentity | None = g.get("identity")
    if identity is None:
        raise NotAllowed()
    return identity


def screen(name: str) -> Callable[[F], F]:
    """Guard a view: logged in, and allowed to use this screen; otherwise login or 403."""
    def wrap(view: F) -> F:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            identity = g.get("identity")
            if identity is None:
                return _to_login()
            if not identity.may(name):
                raise NotAllowed()
            return view(*args, **kwargs)
        return guarded  # type: ignore[return-value]
    return wrap


def _to_login() -> Response:
    return redirect(url_for("console.login", next=request.path))
