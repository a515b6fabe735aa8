"""Group commit of point uses (cloud_api/group_commit.py, cloud_api/api/spend_batches.py).

GIVEN callers arriving while a batch runs WHEN it ends THEN they go together in the next batch,
each gets its own outcome, and an error reaches every caller of its batch only.
GIVEN PostgreSQL and point uses sharing one batch WHEN some are not the common case (a short
balance, a retried Idempotency-Key, a replayed nonce) THEN the others are made in the batch and
those get exactly the general path's answers; WHEN the batch's statement fails THEN every use
takes the general path; the ledger stays exact (verify-ledger clean) either way.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from cloud_api.api import spend_batches
from cloud_api.db import unit_of_work
from cloud_api.fastsql import Sql
from cloud_api.group_commit import GroupCommit
from cloud_api.services.ledger.balances import balances_for
from cloud_api.services.ledger.verify import verify
from cloud_api.services.points import get_point
from tests.cloud.conftest import problem
from tests.cloud.ledger.world import MUSEUM


def _wait_for(condition, timeout_s: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.005)


def test_callers_arriving_during_a_batch_share_the_next_one() -> None:
    batches: list[list[int]] = []
    release = threading.Event()

    def run(items: Sequence[int]) -> list[int]:
        batches.append(list(items))
        if len(batches) == 1:
            release.wait(10)        # the first batch runs while the others arrive
        return [item * 10 for item in items]

    commit: GroupCommit[int, int] = GroupCommit(run)
    with ThreadPoolExecutor(6) as pool:
        first = pool.submit(commit.submit, 0)
        _wait_for(lambda: len(batches) == 1)
        rest = [pool.submit(commit.submit, n) for n in range(1, 6)]
        _wait_for(lambda: commit.waiting == 5)
        release.set()
        assert first.result() == 0 and [f.result() for f in rest] == [10, 20, 30, 40, 50]
    assert batches[0] == [0] and sorted(batches[1]) == [1, 2, 3, 4, 5] and len(batches) == 2
    assert commit.submit(7) == 70 and batches[-1] == [7]   # a lone caller runs at once


def test_an_error_reaches_every_caller_of_its_batch_and_no_other() -> None:
    release = threading.Event()
    calls: list[list[int]] = []

    def run(items: Sequence[int]) -> list[int]:
        calls.append(list(items))
        if len(calls) == 1:
            release.wait(10)
            return [1]
        if len(calls) == 2:
            raise RuntimeError("batch failed")
        return list(items)

    commit: GroupCommit[int, int] = GroupCommit(run)
    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(commit.submit, 1)
        _wait_for(lambda: len(calls) == 1)
        failing = [pool.submit(commit.submit, n) for n in (2, 3)]
        _wait_for(lambda: commit.waiting == 2)
        release.set()
        assert first.result() == 1
        for future in failing:
            with pytest.raises(RuntimeError, match="batch failed"):
                future.result()
    assert commit.submit(4) == 4


# ---------------------------------------------------------------- PostgreSQL: the HTTP path
POSTGRES_ONLY = pytest.mark.postgres_only("the group commit of point uses runs on PostgreSQL only")


def _spend_body(world, amount: int) -> dict:  # type: ignore[no-untyped-def]
    return {"card_token": world.token(MUSEUM), "point_id": f"{world.point_id:08d}",
            "amount": amount}


def _balance(world) -> int:  # type: ignore[no-untyped-def]
    with unit_of_work(world.sessions) as s:
        return balances_for(s, world.holder_id, [get_point(s, world.point_id)],
                            world.clock.today())[0].balance


def _held_batches(app, monkeypatch):  # type: ignore[no-untyped-def]
    """The app's group commit, its second batch held until released; returns (commit, sizes,
    release)."""
    sizes: list[int] = []
    release = threading.Event()
    real = app.extensions["mykey"].sessions

    def run(uses):  # type: ignore[no-untyped-def]
        sizes.append(len(uses))
        if len(sizes) == 1:
            release.wait(10)
        return spend_batches._run_batch(real, uses)

    commit = GroupCommit(run)
    app.extensions[spend_batches.BATCHES] = commit
    return commit, sizes, release


@POSTGRES_ONLY
def test_a_batch_makes_the_common_uses_and_the_others_get_the_general_answers(
        app, world, grant_via_api, signed_client, monkeypatch):
    grant_via_api(100)
    client = signed_client(MUSEUM)
    warm = [client.post("/api/v1/spend", _spend_body(world, 1)) for _ in range(2)]
    assert [r.status_code for r in warm] == [201, 201]   # caches warm, settlement account known
    done_body = json.dumps(_spend_body(world, 3)).encode()
    done_headers = client.headers("POST", "/api/v1/spend", done_body)
    first = client.raw("POST", "/api/v1/spend", done_body, done_headers)
    assert first.status_code == 201
    balance = _balance(world)                          # 100 - 1 - 1 - 3 = 95
    assert balance == 95

    commit, sizes, release = _held_batches(app, monkeypatch)
    requests: list[tuple[str, bytes, dict[str, str]]] = []

    def add(name: str, body: bytes, headers: dict[str, str]) -> None:
        requests.append((name, body, headers))

    for n in (5, 6, 7):
        body = json.dumps(_spend_body(world, n)).encode()
        add(f"ok{n}", body, client.headers("POST", "/api/v1/spend", body))
    short = json.dumps(_spend_body(world, 10_000)).encode()
    add("short", short, client.headers("POST", "/api/v1/spend", short))
    retried = dict(client.headers("POST", "/api/v1/spend", done_body),
                   **{"Idempotency-Key": done_headers["Idempotency-Key"]})
    add("retried_key", done_body, retried)
    again = json.dumps(_spend_body(world, 2)).encode()
    add("replayed_nonce", again, client.headers("POST", "/api/v1/spend", again,
                                                nonce=done_headers["X-MyKey-Nonce"]))
    blocker_body = json.dumps(_spend_body(world, 4)).encode()
    blocker_headers = client.headers("POST", "/api/v1/spend", blocker_body)

    def send(body: bytes, headers: dict[str, str]):  # type: ignore[no-untyped-def]
        return app.test_client().open("/api/v1/spend", method="POST", data=body,
                                      headers=headers)

    with ThreadPoolExecutor(len(requests) + 1) as pool:
        blocker = pool.submit(send, blocker_body, blocker_headers)     # the held first batch
        _wait_for(lambda: len(sizes) == 1)
        futures = {name: pool.submit(send, body, headers) for name, body, headers in requests}
        _wait_for(lambda: commit.waiting == len(requests))
        release.set()
        got = {name: f.result() for name, f in futures.items()}
        assert blocker.result().status_code == 201
    assert sizes == [1, len(requests)]                   # all six went in one batch

    made = [got[f"ok{n}"] for n in (5, 6, 7)]
    assert [r.status_code for r in made] == [201, 201, 201]
    assert len({r.get_json()["txn_no"] for r in made}) == 3
    assert all(r.headers.get("Idempotent-Replayed") is None for r in made)
    assert problem(got["short"])["code"] == "insufficient_balance"
    assert got["short"].status_code == 422
    assert got["retried_key"].status_code == 201
    assert got["retried_key"].headers.get("Idempotent-Replayed") == "true"
    assert got["retried_key"].get_json() == first.get_json()
    assert got["replayed_nonce"].status_code == 401
    assert problem(got["replayed_nonce"])["code"] == "auth_replayed"
    assert _balance(world) == balance - 4 - 5 - 6 - 7
    # the short use's nonce is spent too (as on the general path): its bytes cannot be replayed
    name, body, headers = requests[3]
    assert name == "short" and send(body, headers).status_code == 401
    with unit_of_work(world.sessions) as s:
        assert verify(s) == []


@POSTGRES_ONLY
def test_a_failed_batch_sends_every_use_down_the_general_path(
        app, world, grant_via_api, signed_client, monkeypatch, caplog):
    grant_via_api(50)
    client = signed_client(MUSEUM)
    assert client.post("/api/v1/spend", _spend_body(world, 1)).status_code == 201
    assert client.post("/api/v1/spend", _spend_body(world, 1)).status_code == 201
    monkeypatch.setattr(spend_batches.sql, "POINT_USES_PG", Sql(
        "SELECT * FROM ledger_point_uses_missing(CAST(:uses AS JSONB))"))
    resp = client.post("/api/v1/spend", _spend_body(world, 5))
    assert resp.status_code == 201, resp.get_json()
    assert "takes the general path" in caplog.text
    again = client.post("/api/v1/spend", _spend_body(world, 5))
    assert again.status_code == 201 and again.get_json()["txn_no"] != resp.get_json()["txn_no"]
    assert _balance(world) == 50 - 1 - 1 - 5 - 5
    with unit_of_work(world.sessions) as s:
        assert verify(s) == []


@POSTGRES_ONLY
def test_one_key_twice_in_a_batch_applies_once(app, world, grant_via_api, signed_client,
                                               monkeypatch):
    """Both copies pass the key check (neither record exists yet) and are debited; inserting
    the second record fails on the unique key, the batch is rolled back, and the general path
    makes one and replays it to the other."""
    grant_via_api(100)
    client = signed_client(MUSEUM)
    for _ in range(2):
        assert client.post("/api/v1/spend", _spend_body(world, 1)).status_code == 201
    commit, sizes, release = _held_batches(app, monkeypatch)
    body = json.dumps(_spend_body(world, 9)).encode()
    key = {"Idempotency-Key": "twice-in-one-batch"}
    copies = [client.headers("POST", "/api/v1/spend", body, **key) for _ in range(2)]
    blocker_body = json.dumps(_spend_body(world, 2)).encode()
    blocker = client.headers("POST", "/api/v1/spend", blocker_body)

    def send(data: bytes, headers: dict[str, str]):  # type: ignore[no-untyped-def]
        return app.test_client().open("/api/v1/spend", method="POST", data=data,
                                      headers=headers)

    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(send, blocker_body, blocker)
        _wait_for(lambda: len(sizes) == 1)
        futures = [pool.submit(send, body, headers) for headers in copies]
        _wait_for(lambda: commit.waiting == 2)
        release.set()
        answers = [f.result() for f in futures]
        assert first.result().status_code == 201
    assert sizes == [1, 2]
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].get_json() == answers[1].get_json()
    assert sorted(a.headers.get("Idempotent-Replayed") or "" for a in answers) == ["", "true"]
    assert _balance(world) == 100 - 1 - 1 - 2 - 9
    with unit_of_work(world.sessions) as s:
        assert verify(s) == []
