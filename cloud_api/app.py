"""The Flask app factory: one app with its Cloud (cloud_api/context.py), blueprints and errors."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Request
from flask import request as flask_request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from cloud_api.clock import Clock
from cloud_api.config import Settings
from cloud_api.context import EXTENSION, Cloud
from cloud_api.db import make_engine, make_session_factory
from cloud_api.errors import register_error_handlers
from cloud_api.services.cards import CardTokens

log = logging.getLogger(__name__)
API_PREFIX = "/api/"


def create_app(settings: Settings | None = None, clock: Clock | None = None,
               test_config: dict[str, Any] | None = None) -> Flask:
    settings = settings or Settings.from_env()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__)
    app.config.update(JSON_AS_ASCII=False, MAX_CONTENT_LENGTH=8 * 1024 * 1024)
    app.config["SECRET_KEY"] = settings.secret_key or _data_dir_secret(settings)
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.session_interface = ConsoleSessions()
    engine = make_engine(settings.effective_database_url)
    app.extensions[EXTENSION] = Cloud(settings, engine, make_session_factory(engine),
                                      clock or Clock(), CardTokens(str(app.config["SECRET_KEY"])))
    register_error_handlers(app)
    _register_blueprints(app)
    if settings.proxy_hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    return app


class ConsoleSessions(SecureCookieSessionInterface):
    """Cookie sessions for the browser screens only: the terminal API is signed per request
    and never uses one, so its requests skip opening (verifying) a session cookie. A session
    that came over HTTPS (behind the proxy: MYKEY_PROXY_HOPS) is sent back only over HTTPS."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(API_PREFIX):
            return self.null_session_class()
        return super().open_session(app, request)

    def get_cookie_secure(self, app: Flask) -> bool:
        return flask_request.is_secure or super().get_cookie_secure(app)


def _register_blueprints(app: Flask) -> None:
    from cloud_api.api import register as register_api
    from cloud_api.web import register as register_web

    register_api(app)
    register_web(app)


def _data_dir_secret(settings: Settings) -> str:
    """A per-installation secret kept in the data folder when none is configured."""
    import secrets

    path = settings.data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
