"""The municipal web console (自治体ポイント管理クラウド): server-rendered pages under /console/.

`register(app)` is called by the app factory. Every request loads the identity from the session
(30-minute idle timeout) and every POST must carry the session's CSRF token
(cloud_api/web/blueprint.py).
"""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    # View modules attach their pages to `bp` when imported.
    from cloud_api.web import (  # noqa: F401
        views_auth,
        views_contacts,
        views_events,
        views_grants,
        views_points,
        views_reports,
        views_staff,
    )
    from cloud_api.web.blueprint import bp, routing_error

    # an unknown console address or method never reaches the blueprint's handlers: the page
    # for the console, problem+json for the API
    for code in (404, 405):
        app.register_error_handler(code, routing_error)
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.register_blueprint(bp)
