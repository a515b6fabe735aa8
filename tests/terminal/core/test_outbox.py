"""GIVEN mutating requests and an unreliable network WHEN delivered through the outbox THEN each is
recorded before sending, retried with the same key and bytes, and its outcome is never lost."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from terminal_app.api.errors import CloudUnreachable
from terminal_app.api.transport import HttpResponse
from terminal_app.domain.errors import OutcomeUnknown, UserFacingError
from terminal_app.outbox import Outbox, OutboxStore


class IdempotentServer:
    """Applies each key once and answers repeats with the first result, like the cloud does.

    `lose` lists, per call number, what goes wrong: "before" (request lost) or "after"
    (applied but the answer lost)."""

    def __init__(self, lose: dict[int, str] | None = None) -> None:
        self.lose = lose or {}
        self.calls: list[tuple[str, str, bytes, str]] = []
        self.results: dict[str, HttpResponse] = {}
        self.balance = 1730

    def __call__(self, method: str, path: str, body: bytes, key: str) -> HttpResponse:
        self.calls.append((method, path, body, key))
        fault = self.lose.get(len(self.calls))
        if fault == "before":
            raise CloudUnreachable("ConnectionError")
        if key not in self.results:
            self.balance -= json.loads(body)["amount"]
            self.results[key] = HttpResponse(201, json.dumps(
                {"balance_after": self.balance, "txn_no": f"2017123100{len(self.results) + 1:03d}"}
            ).encode())
        if fault == "after":
            raise CloudUnreachable("ReadTimeout")
        return self.results[key]


def outbox(path: Path, retries: int = 3) -> Outbox:
    return Outbox(OutboxStore(path), retries=retries, backoff_s=0.01, sleep=lambda s: None)


BODY = json.dumps({"card_token": "t", "point_id": "00000001", "amount": 500}).encode()


def test_written_before_sending(tmp_path: Path) -> None:
    box = outbox(tmp_path / "o.sqlite3")
    seen: list[str] = []

    def send(method: str, path: str, body: bytes, key: str) -> HttpResponse:
        entry = box.store.get(key)
        seen.append(entry.state if entry else "missing")
        return HttpResponse(201, b"{}")

    box.deliver("key-00000001", "POST", "/api/v1/spend", BODY, send, kind="spend")
    assert seen == ["pending"]
    assert box.store.get("key-00000001").state == "done"  # type: ignore[union-attr]


def test_lost_answer_is_retried_with_the_same_key_and_returns_the_first_result(
        tmp_path: Path) -> None:
    server = IdempotentServer(lose={1: "after", 2: "before"})
    box = outbox(tmp_path / "o.sqlite3")
    response = box.deliver("key-00000001", "POST", "/api/v1/spend", BODY, server, kind="spend")
    assert box.store.get("key-00000001").attempts == 3  # type: ignore[union-attr]
    assert response.json() == {"balance_after": 1230, "txn_no": "2017123100001"}
    assert server.balance == 1230  # applied once
    assert {c[3] for c in server.calls} == {"key-00000001"}
    assert {c[2] for c in server.calls} == {BODY}
    assert len(server.calls) == 3


def test_no_answer_at_all_raises_outcome_unknown_then_replay_settles_it(tmp_path: Path) -> None:
    server = IdempotentServer(lose={1: "after", 2: "before", 3: "before"})
    box = outbox(tmp_path / "o.sqlite3", retries=2)
    with pytest.raises(OutcomeUnknown) as info:
        box.deliver("key-00000001", "POST", "/api/v1/spend", BODY, server, kind="spend")
    assert info.value.key == "key-00000001" and "再確認" in str(info.value)
    assert box.store.get("key-00000001").state == "pending"  # type: ignore[union-attr]
    response = box.replay("key-00000001", server)
    assert response.json()["balance_after"] == 1230 and server.balance == 1230


def test_crash_between_write_and_send_is_resent_on_next_start(tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite3"
    OutboxStore(path).add("key-00000001", "POST", "/api/v1/spend", BODY, "spend")  # then the PC dies
    server = IdempotentServer()
    results = outbox(path).resume_pending(server)
    assert [(r.key, r.response.status if r.response else None) for r in results] == [
        ("key-00000001", 201)]
    assert server.balance == 1230
    assert outbox(path).resume_pending(server) == []  # nothing left, nothing applied twice
    assert server.balance == 1230


def test_resume_keeps_entries_pending_while_offline(tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite3"
    OutboxStore(path).add("key-00000001", "POST", "/api/v1/spend", BODY, "spend")
    server = IdempotentServer(lose={1: "before", 2: "before"})
    results = outbox(path, retries=1).resume_pending(server)
    assert results[0].response is None
    assert [e.key for e in OutboxStore(path).pending()] == ["key-00000001"]


def test_definitive_refusal_is_not_retried(tmp_path: Path) -> None:
    calls = []

    def refuse(method: str, path: str, body: bytes, key: str) -> HttpResponse:
        calls.append(key)
        return HttpResponse(422, b'{"code": "insufficient_balance"}')

    box = outbox(tmp_path / "o.sqlite3")
    assert box.deliver("key-00000001", "POST", "/p", BODY, refuse, kind="spend").status == 422
    assert len(calls) == 1 and box.store.get("key-00000001").state == "failed"  # type: ignore[union-attr]


def test_gateway_timeout_is_ambiguous_and_retried(tmp_path: Path) -> None:
    answers = [HttpResponse(504, b""), HttpResponse(201, b'{"ok": 1}')]
    box = outbox(tmp_path / "o.sqlite3")
    response = box.deliver("key-00000001", "POST", "/p", BODY, lambda *a: answers.pop(0),
                          kind="spend")
    assert response.json() == {"ok": 1}


def test_same_key_for_another_request_is_refused_locally(tmp_path: Path) -> None:
    box = outbox(tmp_path / "o.sqlite3")
    box.deliver("key-00000001", "POST", "/p", BODY, IdempotentServer(), kind="spend")
    with pytest.raises(UserFacingError, match="別の内容"):
        box.deliver("key-00000001", "POST", "/p", BODY + b" ", IdempotentServer(), kind="spend")


def test_answered_key_is_answered_from_the_store(tmp_path: Path) -> None:
    box = outbox(tmp_path / "o.sqlite3")
    server = IdempotentServer()
    first = box.deliver("key-00000001", "POST", "/p", BODY, server, kind="spend")
    again = box.deliver("key-00000001", "POST", "/p", BODY, server, kind="spend")
    assert again.body == first.body and len(server.calls) == 1


def test_backoff_grows(tmp_path: Path) -> None:
    waits: list[float] = []
    box = Outbox(OutboxStore(tmp_path / "o.sqlite3"), retries=3, backoff_s=0.5,
                 sleep=waits.append)
    with pytest.raises(OutcomeUnknown):
        box.deliver("key-00000001", "POST", "/p", BODY, IdempotentServer(
            lose={1: "before", 2: "before", 3: "before", 4: "before"}), kind="spend")
    assert waits == [0.5, 1.0, 2.0]
