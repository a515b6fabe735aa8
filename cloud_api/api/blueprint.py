"""The API's blueprint, under /api/v1/: the area modules attach their routes to `bp`."""
from __future__ import annotations

from flask import Blueprint, request

from cloud_api.api._request import limit_body

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(lambda: limit_body(request))


@bp.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
