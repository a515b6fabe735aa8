"""/health, /meta, and the OpenAPI document: GIVEN the app WHEN its routes are listed THEN every
route is documented (and nothing documented is missing from the app)."""
from __future__ import annotations

import re

HTTP = {"get", "post", "put", "delete", "patch"}


def test_health_and_meta_need_no_signature(client) -> None:
    assert client.get("/api/v1/health").get_json() == {"status": "ok"}
    meta = client.get("/api/v1/meta").get_json()
    assert meta == {"api_version": "1", "min_terminal_version": "0.1.0",
                    "server_time": "2026-11-22T10:00:00+09:00"}


def test_every_route_is_in_the_openapi_document(app, client) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    documented = {(m.upper(), "/api/v1" + p) for p, ops in doc["paths"].items()
                  for m in ops if m in HTTP}
    registered = {(m, re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", str(rule)))
                  for rule in app.url_map.iter_rules() if str(rule).startswith("/api/v1/")
                  for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert registered - documented == set(), "add these routes to docs/openapi.json"
    assert documented - registered == set(), "docs/openapi.json names routes the app lacks"


def test_openapi_references_resolve(client) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    text = client.get("/api/v1/openapi.json").get_data(as_text=True)
    for ref in set(re.findall(r'"\$ref": "#/([^"]+)"', text)):
        node = doc
        for part in ref.split("/"):
            node = node[part]


def test_unknown_api_path_is_a_japanese_problem(client) -> None:
    resp = client.get("/api/v1/nothing-here")
    assert resp.status_code == 404 and resp.mimetype == "application/problem+json"
    assert resp.get_json()["detail"] == "指定されたデータが見つかりません。"
