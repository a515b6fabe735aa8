"""GIVEN a registered point-use terminal WHEN it spends points through /api/v1/spend THEN the
receipt matches 画面31, retries replay the first answer, and every bad request is a clear
Japanese error that leaves the ledger unchanged."""
from __future__ import annotations

import json

import pytest

from tests.cloud.conftest import problem
from tests.cloud.ledger.world import CHAMBER, MUSEUM, TOKUSHIMA


def _body(world, amount=500, point_id=None, terminal=MUSEUM):
    return {"card_token": world.token(terminal), "point_id": f"{point_id or world.point_id:08d}",
            "amount": amount}


def test_spend_returns_the_receipt_of_screen_31(world, grant_via_api, signed_client):
    grant_via_api(1730)
    resp = signed_client(MUSEUM).post("/api/v1/spend", _body(world))
    assert resp.status_code == 201, resp.get_json()
    r = resp.get_json()
    assert r == {"txn_no": "2017123100001", "terminal_id": MUSEUM,
                 "point_id": f"{world.point_id:08d}", "point_name": "川崎市ポイント",
                 "amount": 500, "balance_after": 1230, "executed_at": "2017-12-31T18:02:37+09:00"}
    second = signed_client(MUSEUM).post("/api/v1/spend", _body(world, 30)).get_json()
    assert second["txn_no"] == "2017123100002" and second["balance_after"] == 1200


def test_same_idempotency_key_replays_and_other_body_is_refused(world, grant_via_api,
                                                                 signed_client):
    grant_via_api(1000)
    c = signed_client(MUSEUM)
    body = json.dumps(_body(world, 100)).encode()
    h1 = c.headers("POST", "/api/v1/spend", body, **{"Idempotency-Key": "outbox-0001"})
    first = c.raw("POST", "/api/v1/spend", body, h1)
    h2 = c.headers("POST", "/api/v1/spend", body, **{"Idempotency-Key": "outbox-0001"})
    again = c.raw("POST", "/api/v1/spend", body, h2)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    other = json.dumps(_body(world, 101)).encode()
    h3 = c.headers("POST", "/api/v1/spend", other, **{"Idempotency-Key": "outbox-0001"})
    reused = c.raw("POST", "/api/v1/spend", other, h3)
    assert reused.status_code == 422 and problem(reused)["code"] == "idempotency_key_reused"
    assert world.ledger_counts()[0] == 2                  # the grant + one spend


def test_missing_or_malformed_idempotency_key(world, grant_via_api, signed_client):
    grant_via_api(1000)
    c = signed_client(MUSEUM)
    body = json.dumps(_body(world, 100)).encode()
    h = c.headers("POST", "/api/v1/spend", body)
    del h["Idempotency-Key"]
    resp = c.raw("POST", "/api/v1/spend", body, h)
    assert resp.status_code == 400 and problem(resp)["code"] == "idempotency_key_required"
    h = c.headers("POST", "/api/v1/spend", body, **{"Idempotency-Key": "short"})
    resp = c.raw("POST", "/api/v1/spend", body, h)
    assert resp.status_code == 400 and problem(resp)["code"] == "idempotency_key_invalid"
    assert "冪等キー" in problem(resp)["detail"]


BAD_BODIES = [
    ({"point_id": "1"}, 422, "validation_failed", "point_id"),
    ({"point_id": "0000000A"}, 422, "validation_failed", "point_id"),
    ({"amount": 0}, 422, "validation_failed", "amount"),
    ({"amount": -5}, 422, "validation_failed", "amount"),
    ({"amount": "500"}, 422, "validation_failed", "amount"),
    ({"amount": 1.5}, 422, "validation_failed", "amount"),
    ({"amount": True}, 422, "validation_failed", "amount"),
    ({"amount": 10_000_001}, 422, "validation_failed", "amount"),
    ({"card_token": ""}, 422, "validation_failed", "card_token"),
    ({"card_token": "forged.token"}, 401, "card_token_invalid", None),
    ({"point_id": "99999999"}, 404, "point_not_found", None),
    ({"amount": 1731}, 422, "insufficient_balance", None),
]


def test_bad_spend_is_refused_and_changes_nothing(world, grant_via_api, signed_client):
    """One database for all cases (keeps the PostgreSQL pass fast); each case is named."""
    grant_via_api(1730)
    before = world.ledger_counts()
    for change, status, code, field in BAD_BODIES:
        resp = signed_client(MUSEUM).post("/api/v1/spend", {**_body(world), **change})
        body = problem(resp)
        assert (resp.status_code, body["code"]) == (status, code), change
        assert body["detail"] and not body["detail"].isascii()      # Japanese for the clerk
        if field:
            assert [e["field"] for e in body["errors"]] == [field], change
    assert world.ledger_counts() == before


def test_body_must_be_a_json_object(world, signed_client):
    resp = signed_client(MUSEUM).post("/api/v1/spend", [1, 2])
    assert resp.status_code == 422 and problem(resp)["code"] == "body_not_object"


def test_card_token_of_another_terminal_is_refused(world, grant_via_api, signed_client):
    grant_via_api(100)
    body = {**_body(world, 10), "card_token": world.token(CHAMBER)}
    resp = signed_client(MUSEUM).post("/api/v1/spend", body)
    assert resp.status_code == 401 and problem(resp)["code"] == "card_token_invalid"


def test_wrong_category_cannot_spend(world, grant_via_api, signed_client):
    grant_via_api(100)
    resp = signed_client(CHAMBER).post("/api/v1/spend", _body(world, 10, terminal=CHAMBER))
    assert resp.status_code == 403 and problem(resp)["code"] == "forbidden_category"


def test_point_of_another_municipality_is_not_usable(world, grant_via_api, signed_client):
    grant_via_api(100)
    resp = signed_client(TOKUSHIMA).post("/api/v1/spend", _body(world, 10, terminal=TOKUSHIMA))
    assert resp.status_code == 403 and problem(resp)["code"] == "point_not_usable_here"


def test_event_point_only_at_selected_terminal_inside_its_period(world, grant_via_api,
                                                                 signed_client):
    grant_via_api(100, point_id=world.event_id)
    grant_via_api(100, point_id=world.old_event_id)
    ok = signed_client(MUSEUM).post("/api/v1/spend", _body(world, 10, world.event_id))
    assert ok.status_code == 201 and ok.get_json()["point_name"] == "川崎市復興イベント"
    before = world.ledger_counts()
    resp = signed_client(MUSEUM).post("/api/v1/spend", _body(world, 10, world.old_event_id))
    assert resp.status_code == 403 and problem(resp)["code"] == "point_outside_service_period"
    world.clock.advance(days=1)                                       # 2018-01-01
    resp = signed_client(MUSEUM).post("/api/v1/spend", _body(world, 10, world.event_id))
    assert problem(resp)["code"] == "point_outside_service_period"
    assert world.ledger_counts() == before


@pytest.mark.postgres_only(
    "lock_timeout is PostgreSQL's (SQLite's writers wait in its busy handler)")
def test_a_spend_that_waits_too_long_for_a_lock_is_a_503_and_the_retry_applies_once(
        world, grant_via_api, signed_client, app, db_url):
    """GIVEN another transaction holding the holder's account (PostgreSQL, lock_timeout 300 ms)
    WHEN a spend arrives THEN 503 database_busy in Japanese with Retry-After, nothing changed;
    the terminal's retry with the same Idempotency-Key then applies once."""
    from sqlalchemy import create_engine, text

    from cloud_api.models.ledger import HOLDER
    from cloud_api.services.ledger.accounts import account_key

    grant_via_api(1000)
    engine = app.extensions["mykey"].engine
    with engine.connect() as conn:
        conn.execute(text(f"ALTER DATABASE {conn.engine.url.database} SET lock_timeout = 300"))
        conn.commit()
    engine.dispose()   # the pool's next connections start with the setting
    before = world.ledger_counts()
    blocker = create_engine(db_url)
    c = signed_client(MUSEUM)
    body = json.dumps(_body(world, 100)).encode()
    try:
        with blocker.connect() as held:
            held.execute(text("SELECT id FROM ledger_accounts WHERE key = :key FOR UPDATE"),
                         {"key": account_key(HOLDER, world.point_id, world.holder_id)})
            busy = c.raw("POST", "/api/v1/spend", body,
                         c.headers("POST", "/api/v1/spend", body, **{"Idempotency-Key": "outbox-0503"}))
            held.rollback()
    finally:
        blocker.dispose()
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "1"
    assert problem(busy)["code"] == "database_busy"
    assert "何も変更していません" in problem(busy)["detail"]
    assert world.ledger_counts() == before
    retry = c.raw("POST", "/api/v1/spend", body,
                  c.headers("POST", "/api/v1/spend", body, **{"Idempotency-Key": "outbox-0503"}))
    assert retry.status_code == 201 and retry.get_json()["balance_after"] == 900
    assert world.ledger_counts()[0] == before[0] + 1
