"""Operations endpoints: liveness, readiness against the real database, and the proxy setting."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from flask import request

from cloud_api import create_app
from cloud_api.config import Settings


def test_given_a_reachable_database_when_ready_is_asked_then_ready(client) -> None:
    assert client.get("/api/v1/health").get_json() == {"status": "ok"}
    answer = client.get("/api/v1/ready")
    assert answer.status_code == 200 and answer.get_json() == {"status": "ready"}


def test_given_the_database_is_gone_when_ready_is_asked_then_503_in_japanese(tmp_path: Path) -> None:
    """GIVEN a SQLite file in a folder that cannot be created THEN 503 problem+json, no trace."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings = Settings(database_url=f"sqlite:///{blocker}/cloud.sqlite3", data_dir=tmp_path / "d",
                        secret_key="s", testing=True)
    answer = create_app(settings).test_client().get("/api/v1/ready")
    assert answer.status_code == 503
    assert answer.mimetype == "application/problem+json"
    body = answer.get_json()
    assert body["code"] == "service_unavailable" and "データベース" in body["detail"]
    assert "Traceback" not in answer.get_data(as_text=True)


def test_given_one_proxy_hop_when_forwarded_then_the_client_address_is_the_real_one(
        settings: Settings) -> None:
    seen: dict[str, str] = {}
    for hops, expected in ((0, "127.0.0.1"), (1, "203.0.113.7")):
        app = create_app(replace(settings, proxy_hops=hops))

        @app.get("/probe")
        def probe() -> str:
            seen["addr"] = request.remote_addr or ""
            return "ok"

        app.test_client().get("/probe", headers={"X-Forwarded-For": "203.0.113.7"},
                              environ_base={"REMOTE_ADDR": "127.0.0.1"})
        assert seen["addr"] == expected

