"""Unauthenticated facts about the API: /meta (versions, server time) and the OpenAPI document."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Response

from cloud_api.api import bp
from cloud_api.app import cloud
from cloud_api.clock import JST

API_VERSION = "1"
OPENAPI_PATH = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


@bp.get("/meta")
def meta() -> dict[str, Any]:
    c = cloud()
    return {"api_version": API_VERSION, "min_terminal_version": c.settings.min_terminal_version,
            "server_time": c.clock.now().astimezone(JST).isoformat(timespec="seconds")}


@lru_cache(maxsize=1)
def openapi_text() -> str:
    return OPENAPI_PATH.read_text(encoding="utf-8")


@bp.get("/openapi.json")
def openapi() -> Response:
    json.loads(openapi_text())  # never serve a broken document
    return Response(openapi_text(), mimetype="application/json")
