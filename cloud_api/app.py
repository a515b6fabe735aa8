"""The Flask app factory and the per-app container of settings, database and clock."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from cloud_api.clock import Clock
from cloud_api.config import Settings
from cloud_api.db import make_engine, make_session_factory
from cloud_api.errors import register_error_handlers

log = logging.getLogger(__name__)


@dataclass
class Cloud:
    """What every view and service of one app instance shares."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock


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
    engine = make_engine(settings.effective_database_url)
    app.extensions["mykey"] = Cloud(settings, engine, make_session_factory(engine), clock or Clock())
    register_error_handlers(app)
    _register_blueprints(app)
    if settings.proxy_hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    return app


def cloud() -> Cloud:
    """The container of the app handling the current request."""
    return current_app.extensions["mykey"]  # type: ignore[no-any-return]


def _register_blueprints(app: Flask) -> None:
    from cloud_api.api import register as register_api

    register_api(app)
    try:
        from cloud_api.web import register as register_web
    except ImportError:  # the web console is optional in a pure API deployment
        return
    register_web(app)


def _data_dir_secret(settings: Settings) -> str:
    """A per-installation secret kept in the data folder when none is configured."""
    import secrets

    path = settings.data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
