"""GIVEN one holder's balance and a real HTTP server on loopback WHEN 32 threads spend points and
issue vouchers against it at once (some retrying with the same Idempotency-Key) THEN no balance
goes negative, every acknowledged operation is in the ledger exactly once, the balance equals
the grant minus what was acknowledged, and verify-ledger is clean (SQLite and PostgreSQL)."""
from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import select
from werkzeug.serving import make_server

from cloud_api.db import unit_of_work
from cloud_api.models.ledger import JournalTxn
from cloud_api.services.ledger.balances import balances_for
from cloud_api.services.ledger.verify import verify
from cloud_api.services.points import get_point
from tests.cloud.conftest import SignedClient
from tests.cloud.ledger.world import CHAMBER, MUSEUM

THREADS = 32
GRANTED = 700


@pytest.fixture
def server_url(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def _operation(i: int, world) -> tuple[str, str, dict]:  # type: ignore[no-untyped-def]
    point = f"{world.point_id:08d}"
    if i % 3 == 2:
        return CHAMBER, "/api/v1/vouchers", {"card_token": world.token(CHAMBER),
                                             "point_id": point, "amount": 13, "validity_days": 5}
    return MUSEUM, "/api/v1/spend", {"card_token": world.token(MUSEUM), "point_id": point,
                                     "amount": 7 + i % 5}


def _send(url: str, signer: SignedClient, path: str, body: bytes, key: str) -> requests.Response:
    headers = signer.headers("POST", path, body, **{"Idempotency-Key": key})
    return requests.post(url + path, data=body, headers=headers, timeout=60)


def test_concurrent_spends_and_vouchers_never_overdraw(world, grant_via_api, factory, clock,
                                                       server_url, app):
    grant_via_api(GRANTED)
    signers = {t: SignedClient(None, factory.keys[t], clock) for t in (MUSEUM, CHAMBER)}
    jobs = []
    for i in range(THREADS * 3):
        terminal, path, payload = _operation(i, world)
        jobs.append((signers[terminal], path, json.dumps(payload).encode(),
                     f"conc-{i:04d}-{secrets.token_hex(4)}"))
    barrier = threading.Barrier(THREADS)

    def worker(n: int) -> list[tuple[int, dict, int]]:
        barrier.wait()
        out = []
        for signer, path, body, key in jobs[n::THREADS]:
            first = _send(server_url, signer, path, body, key)
            retry = _send(server_url, signer, path, body, key)   # a retry after a "lost" answer
            assert retry.status_code == first.status_code or first.status_code != 201, retry.text
            if first.status_code == 201:
                assert retry.json() == first.json()
                assert retry.headers.get("Idempotent-Replayed") == "true"
            else:
                assert first.json()["code"] == "insufficient_balance", first.text
            out.append((first.status_code, first.json(), json.loads(body)["amount"]))
        return out

    with ThreadPoolExecutor(THREADS) as pool:
        results = [r for rs in pool.map(worker, range(THREADS)) for r in rs]
    acked = [(body, amount) for status, body, amount in results if status == 201]
    assert acked and len(acked) < len(results)             # the balance did run out
    spent = sum(amount for _, amount in acked)
    sessions = app.extensions["mykey"].sessions
    with unit_of_work(sessions) as s:
        txns = set(s.execute(select(JournalTxn.scope, JournalTxn.txn_no)))
        for body, _ in acked:
            scope = body.get("terminal_id") or CHAMBER
            assert (scope, body["txn_no"]) in txns
        assert len(txns) == len(acked) + 1                   # + the grant; nothing twice
        balance = balances_for(s, world.holder_id, [get_point(s, world.point_id)],
                               clock.today())[0].balance
        assert balance == GRANTED - spent >= 0
        assert verify(s) == []


def test_identical_requests_racing_apply_exactly_once(world, grant_via_api, factory, clock,
                                                      server_url, app):
    grant_via_api(GRANTED)
    signer = SignedClient(None, factory.keys[MUSEUM], clock)
    body = json.dumps({"card_token": world.token(MUSEUM), "point_id": f"{world.point_id:08d}",
                       "amount": 100}).encode()
    key = "race-" + secrets.token_hex(8)
    barrier = threading.Barrier(12)

    def fire(_: int) -> tuple[int, dict, str | None]:
        barrier.wait()
        resp = _send(server_url, signer, "/api/v1/spend", body, key)
        return resp.status_code, resp.json(), resp.headers.get("Idempotent-Replayed")

    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(fire, range(12)))
    assert {status for status, _, _ in results} == {201}
    assert len({json.dumps(r, sort_keys=True) for _, r, _ in results}) == 1
    assert sum(replayed is None for _, _, replayed in results) == 1
    with unit_of_work(app.extensions["mykey"].sessions) as s:
        spends = s.scalars(select(JournalTxn.txn_no).where(JournalTxn.kind == "spend")).all()
        assert len(spends) == 1
        assert verify(s) == []


def test_mixed_operations_racing_on_two_holders_keep_the_books(world, factory, clock, server_url,
                                                               app):
    """GIVEN two holders WHEN 24 threads at once spend, issue vouchers, redeem each other's
    vouchers (twice: one must lose) and grant points to both, until their points run out THEN every answer is a success or
    a clear refusal (never a 500), each voucher is redeemed at most once, each holder's balance
    is what the acknowledged operations say, and verify-ledger is clean."""
    from cloud_api.services.ledger.grant import grant

    holders = (world.holder_id, world.other_holder_id)
    ids = {world.holder_id: "MY123456", world.other_holder_id: "HANAKO12"}
    sessions = app.extensions["mykey"].sessions

    def credit(holder_id: int, amount: int) -> None:
        with unit_of_work(sessions) as s:
            grant(s, clock=clock, point=get_point(s, world.point_id), holder_id=holder_id,
                  amount=amount, scope="SYSTEM", terminal_id=None, mykey_id=ids[holder_id])

    for h in holders:
        credit(h, 300)
    signers = {t: SignedClient(None, factory.keys[t], clock) for t in (MUSEUM, CHAMBER)}
    point = f"{world.point_id:08d}"
    issued: list[str] = []            # voucher numbers, appended as they are acknowledged
    lock = threading.Lock()
    threads = 24
    barrier = threading.Barrier(threads)

    def call(terminal: str, path: str, payload: dict | None) -> requests.Response:  # type: ignore[type-arg]
        body = json.dumps(payload).encode() if payload is not None else b""
        return _send(server_url, signers[terminal], path, body, "mix-" + secrets.token_hex(8))

    def worker(n: int) -> list[tuple[str, int, int, str]]:
        """(operation, holder, amount, status code)"""
        barrier.wait()
        out = []
        for i in range(6):
            holder = holders[(n + i) % 2]
            kind = ("spend", "voucher", "redeem", "grant")[(n + i) % 4]
            if kind == "grant":
                credit(holder, 10)
                out.append(("grant", holder, 10, "201"))
                continue
            if kind == "redeem":
                with lock:
                    number = issued[(n * 7 + i) % len(issued)] if issued else None
                if number is None:
                    continue
                resp = call(MUSEUM, f"/api/v1/vouchers/{number}/redeem", None)
                assert resp.status_code in (201, 409), resp.text
                out.append(("redeem:" + number, holder, 0, str(resp.status_code)))
                continue
            token = world.token(MUSEUM if kind == "spend" else CHAMBER, holder, ids[holder])
            if kind == "spend":
                resp = call(MUSEUM, "/api/v1/spend", {"card_token": token, "point_id": point,
                                                      "amount": 9 + n % 4})
                amount = 9 + n % 4
            else:
                resp = call(CHAMBER, "/api/v1/vouchers", {"card_token": token, "point_id": point,
                                                          "amount": 25, "validity_days": 5})
                amount = 25
            assert resp.status_code in (201, 422), resp.text
            if resp.status_code == 422:
                assert resp.json()["code"] == "insufficient_balance", resp.text
            elif kind == "voucher":
                with lock:
                    issued.append(resp.json()["voucher_no"])
            out.append((kind, holder, amount, str(resp.status_code)))
        return out

    with ThreadPoolExecutor(threads) as pool:
        results = [r for rs in pool.map(worker, range(threads)) for r in rs]
    redeemed = [op.split(":")[1] for op, _, _, status in results
                if op.startswith("redeem") and status == "201"]
    assert redeemed and len(redeemed) == len(set(redeemed))   # each voucher at most once
    assert any(op.startswith("redeem") and status == "409" for op, _, _, status in results)
    assert any(status == "422" for *_, status in results)     # the balances did run out
    with unit_of_work(sessions) as s:
        balances = {h: balances_for(s, h, [get_point(s, world.point_id)], clock.today())[0].balance
                    for h in holders}
        assert verify(s) == []
    for h in holders:
        moved = sum(amount if op == "grant" else -amount for op, holder, amount, status in results
                    if holder == h and status == "201" and op in ("grant", "spend", "voucher"))
        assert balances[h] == 300 + moved >= 0
