"""Unauthenticated facts about the API: /meta (versions, server time) and the OpenAPI document."""
from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Response
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from cloud_api.api.blueprint import bp
from cloud_api.clock import JST
from cloud_api.context import cloud
from cloud_api.errors import Problem
from cloud_api.messages import message

log = logging.getLogger(__name__)

API_VERSION = "1"
OPENAPI_PATH = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


@bp.get("/meta")
def meta() -> dict[str, Any]:
    c = cloud()
    return {"api_version": API_VERSION, "min_terminal_version": c.settings.min_terminal_version,
            "server_time": c.clock.now().astimezone(JST).isoformat(timespec="seconds")}


@bp.get("/ready")
def ready() -> Response | dict[str, str]:
    """Readiness: the database answers (503 problem+json when it does not)."""
    try:
        with cloud().engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except DBAPIError:
        log.warning("readiness check: the database does not answer", exc_info=True)
        return Problem(503, "service_unavailable", message("service_unavailable")).response()
    return {"status": "ready"}


@lru_cache(maxsize=1)
def openapi_text() -> str:
    return OPENAPI_PATH.read_text(encoding="utf-8")


@bp.get("/openapi.json")
def openapi() -> Response:
    json.loads(openapi_text())  # never serve a broken document
    return Response(openapi_text(), mimetype="application/json")
