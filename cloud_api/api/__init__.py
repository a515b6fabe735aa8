"""The JSON API under /api/v1/: one thin blueprint module per area."""
from __future__ import annotations

from flask import Blueprint, Flask, request

from cloud_api.api._request import limit_body

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(lambda: limit_body(request))


@bp.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


def register(app: Flask) -> None:
    # Area modules attach their routes to `bp` when imported.
    from cloud_api.api import routes  # noqa: F401

    app.register_blueprint(bp)
