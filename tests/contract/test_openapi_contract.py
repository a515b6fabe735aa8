"""GIVEN the cloud's OpenAPI description (served at /api/v1/openapi.json) WHEN compared with
the endpoints the terminal's client calls THEN every call exists there with its method, and every
terminal-facing endpoint there has a client method (the grant business endpoints belong to the
business-support system, not to this counter client)."""
from __future__ import annotations

import re
from pathlib import Path

from tests.contract.conftest import World

CLIENT = Path(__file__).resolve().parents[2] / "terminal_app" / "api" / "client.py"
CALL = re.compile(r'"(GET|POST|PUT|DELETE)",\s*f?"(?:\{API\})?(/[^"?]*)')
NOT_FOR_THE_COUNTER = {("get", "/openapi.json"), ("get", "/ready")}  # docs; load balancers
GRANTS = "/grant"   # /grants, /grant-businesses, /grant-uploads: the 業務支援システム (category E)


def client_calls() -> set[tuple[str, str]]:
    text = CLIENT.read_text(encoding="utf-8")
    return {(method.lower(), re.sub(r"\{[^}]+\}", "{number}", path))
            for method, path in CALL.findall(text)}


def test_client_and_openapi_agree(world: World) -> None:
    spec = world.app.test_client().get("/api/v1/openapi.json").get_json()
    served = {(method, path) for path, ops in spec["paths"].items() for method in ops}
    calls = client_calls()
    assert len(calls) >= 20
    assert calls - served == set()
    missing = {(m, p) for m, p in served - calls - NOT_FOR_THE_COUNTER
               if not p.startswith(GRANTS)}
    assert missing == set()
