"""Signed terminal requests: GIVEN a registered terminal WHEN a request is altered THEN 401."""
from __future__ import annotations

import json

import pytest

from tests.cloud.accounts.helpers import problem, snapshot

TID = "00052459"


@pytest.fixture
def terminal(kawasaki, signed_client):  # type: ignore[no-untyped-def]
    kawasaki.terminal(TID, "A", id_business_id="000001")
    return signed_client(TID)


def test_given_a_signed_request_when_sent_then_the_terminal_is_known(terminal) -> None:
    resp = terminal.get("/api/v1/terminal")
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["terminal_id"] == TID and body["category"] == "A"
    assert body["permissions"] == ["report_place", "service_id"]
    assert body["id_business"]["symbology"] == "nw7"


def test_replayed_nonce_is_rejected(terminal) -> None:
    headers = terminal.headers("GET", "/api/v1/terminal", b"")
    assert terminal.raw("GET", "/api/v1/terminal", b"", headers).status_code == 200
    again = terminal.raw("GET", "/api/v1/terminal", b"", headers)
    assert again.status_code == 401 and problem(again)["code"] == "auth_replayed"
    assert "再送" in problem(again)["detail"]


def test_tampered_body_is_rejected_and_changes_nothing(app, terminal) -> None:
    body = json.dumps({"place": "高津図書館"}).encode()
    headers = terminal.headers("PUT", "/api/v1/terminal/contact", body)
    before = snapshot(app)
    resp = terminal.raw("PUT", "/api/v1/terminal/contact", body.replace(b"}", b" }"), headers)
    assert resp.status_code == 401 and problem(resp)["code"] == "auth_bad_signature"
    after = snapshot(app)
    assert before == after


def test_signature_covers_the_query_string(terminal) -> None:
    headers = terminal.headers("GET", "/api/v1/terminal?x=1", b"")
    resp = terminal.raw("GET", "/api/v1/terminal?x=2", b"", headers)
    assert resp.status_code == 401 and problem(resp)["code"] == "auth_bad_signature"


def test_wrong_fingerprint_is_rejected(terminal) -> None:
    resp = terminal.get("/api/v1/terminal", fingerprint="ab" * 32)
    assert resp.status_code == 401 and problem(resp)["code"] == "auth_wrong_fingerprint"


def test_stale_timestamp_is_rejected(terminal, clock) -> None:
    for shift in (-301, 301):
        ts = str(int(clock.now().timestamp()) + shift)
        resp = terminal.get("/api/v1/terminal", timestamp=ts)
        assert resp.status_code == 401 and problem(resp)["code"] == "auth_stale_timestamp"


def test_timestamp_inside_the_window_is_accepted(terminal, clock) -> None:
    ts = str(int(clock.now().timestamp()) - 299)
    assert terminal.get("/api/v1/terminal", timestamp=ts).status_code == 200


def test_signature_by_another_key_is_rejected(kawasaki, terminal, signed_client) -> None:
    kawasaki.terminal("00052460", "A", id_business_id="000001")
    other = signed_client("00052460")
    headers = other.headers("GET", "/api/v1/terminal", b"")
    headers["X-MyKey-Terminal"] = TID
    headers["X-MyKey-Fingerprint"] = terminal.key.fingerprint
    resp = terminal.raw("GET", "/api/v1/terminal", b"", headers)
    assert problem(resp)["code"] in ("auth_bad_signature",)


def test_malformed_headers_are_rejected(terminal, subtests) -> None:
    for header, value in (("X-MyKey-Terminal", "5245"), ("X-MyKey-Nonce", "short"),
                          ("X-MyKey-Timestamp", "soon"), ("X-MyKey-Timestamp", "¹"),
                          ("X-MyKey-Timestamp", "1" * 13), ("X-MyKey-Fingerprint", "XYZ"),
                          ("X-MyKey-Signature", "")):
        with subtests.test(header=header, value=value):
            resp = terminal.get("/api/v1/terminal", **{header: value})
            assert resp.status_code == 401 and problem(resp)["code"] == "auth_required"


def test_unknown_terminal_is_rejected(terminal) -> None:
    resp = terminal.get("/api/v1/terminal", **{"X-MyKey-Terminal": "99999999"})
    assert resp.status_code == 401 and problem(resp)["code"] == "auth_terminal_inactive"


def test_locked_terminal_cannot_call(app, terminal, sessions) -> None:
    from cloud_api.db import unit_of_work
    from cloud_api.models.accounts import Terminal

    with unit_of_work(sessions) as s:
        s.get(Terminal, TID).state = "locked"
    resp = terminal.get("/api/v1/terminal")
    assert resp.status_code == 401 and problem(resp)["code"] == "auth_terminal_inactive"


def test_old_client_version_gets_426(terminal, subtests) -> None:
    for version in ("0.0.9", "", "0.0"):
        with subtests.test(version=version):
            resp = terminal.get("/api/v1/terminal", **{"X-MyKey-Client-Version": version})
            assert resp.status_code == 426
            assert problem(resp)["code"] == "version_too_old"
            assert "0.1.0" in problem(resp)["detail"]


def test_an_absurd_client_version_is_read_not_an_error(terminal) -> None:
    """5,000 digits are beyond int()'s limit: the version's number is its first nine digits."""
    resp = terminal.get("/api/v1/terminal", **{"X-MyKey-Client-Version": "9" * 5000})
    assert resp.status_code == 200


def test_wrong_category_is_forbidden(kawasaki, signed_client) -> None:
    kawasaki.terminal("00052559", "I", place="川崎市藤子・F・不二雄ミュージアム")
    resp = signed_client("00052559").post("/api/v1/service-ids/lookup", {"card_token": "x"})
    assert resp.status_code == 403 and problem(resp)["code"] == "forbidden_category"


def test_old_nonces_are_purged(app, terminal, clock, sessions, monkeypatch) -> None:
    """GIVEN the opportunistic purge runs on this request THEN only the fresh nonce remains."""
    from sqlalchemy import func, select

    from cloud_api.models.accounts import TerminalNonce
    from cloud_api.services import terminal_auth

    monkeypatch.setattr(terminal_auth, "PURGE_ONE_IN", 1)
    terminal.get("/api/v1/terminal")
    clock.advance(seconds=601)
    terminal.get("/api/v1/terminal")
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(TerminalNonce)) == 1


def test_sweep_purges_nonces_older_than_the_window(app, terminal, clock, sessions) -> None:
    from sqlalchemy import func, select

    from cloud_api.models.accounts import TerminalNonce
    from cloud_api.services.terminal_auth import purge_nonces

    terminal.get("/api/v1/terminal")
    terminal.get("/api/v1/terminal")
    clock.advance(seconds=601)
    with sessions() as s:
        assert purge_nonces(s, clock.now(), 300) == 2
        s.commit()
        assert s.scalar(select(func.count()).select_from(TerminalNonce)) == 0


@pytest.mark.parametrize("category, also, expected", [
    ("A", False, {"service_id", "report_place"}),
    ("A", True, {"service_id", "spend", "merge", "voucher_redeem", "report_place"}),
    ("I", False, {"spend", "merge", "voucher_redeem", "report_place"}),
    ("U", False, {"voucher_issue", "voucher_redeem", "report_place"}),
    ("E", False, {"grant", "report_place"})])
def test_category_permissions_follow_the_api_table(category: str, also: bool,
                                                   expected: set[str]) -> None:
    from cloud_api.services.terminals import permissions_for

    assert permissions_for(category, also) == expected


def test_nonce_of_a_failed_request_is_still_spent(terminal) -> None:
    body = b'{"place": ""}'
    headers = terminal.headers("PUT", "/api/v1/terminal/contact", body)
    first = terminal.raw("PUT", "/api/v1/terminal/contact", body, headers)
    assert first.status_code == 422
    again = terminal.raw("PUT", "/api/v1/terminal/contact", body, headers)
    assert again.status_code == 401 and problem(again)["code"] == "auth_replayed"


def test_simultaneous_replays_let_exactly_one_through(app, terminal) -> None:
    import threading

    headers = terminal.headers("GET", "/api/v1/terminal", b"")
    barrier, codes = threading.Barrier(4), []

    def send() -> None:
        client = app.test_client()
        barrier.wait()
        codes.append(client.get("/api/v1/terminal", headers=headers).status_code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(codes) == [200, 401, 401, 401]


def test_nonce_of_a_request_refused_for_its_category_is_still_spent(terminal) -> None:
    """GIVEN a category ア terminal WHEN it signs a point use (not its category) and the same
    signed request is sent again THEN the first gets 403 and the replay 401 auth_replayed."""
    body = b'{"card_token": "x", "point_id": "00000001", "amount": 1}'
    headers = {**terminal.headers("POST", "/api/v1/spend", body), "Idempotency-Key": "k" * 16}
    first = terminal.raw("POST", "/api/v1/spend", body, headers)
    assert first.status_code == 403 and problem(first)["code"] == "forbidden_category"
    again = terminal.raw("POST", "/api/v1/spend", body, headers)
    assert again.status_code == 401 and problem(again)["code"] == "auth_replayed"


def _update_terminal(app, **values: object) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    from cloud_api.db import unit_of_work
    from cloud_api.models.accounts import Terminal

    with unit_of_work(app.extensions["mykey"].sessions) as s:
        s.execute(update(Terminal).where(Terminal.terminal_id == TID).values(**values))


def test_a_remembered_terminal_row_never_outlives_a_change(app, terminal) -> None:
    """GIVEN the cloud remembers the terminal's row after a request WHEN staff change its
    category and then lock the terminal THEN the very next requests see the change."""
    assert terminal.get("/api/v1/terminal").status_code == 200
    assert app.extensions["mykey"].terminal_rows.get(TID) is not None
    _update_terminal(app, category="E", id_business_id=None)
    refused = terminal.post("/api/v1/service-ids/lookup", {"card_token": "x"})
    assert refused.status_code == 403 and problem(refused)["code"] == "forbidden_category"
    _update_terminal(app, state="locked")
    refused = terminal.get("/api/v1/terminal")
    assert refused.status_code == 401 and problem(refused)["code"] == "auth_terminal_inactive"


def test_a_replay_is_refused_with_a_remembered_row(app, terminal) -> None:
    """GIVEN a remembered row WHEN a signed request is replayed THEN 401 auth_replayed."""
    assert terminal.get("/api/v1/terminal").status_code == 200
    headers = terminal.headers("GET", "/api/v1/terminal", b"")
    assert terminal.raw("GET", "/api/v1/terminal", b"", headers).status_code == 200
    again = terminal.raw("GET", "/api/v1/terminal", b"", headers)
    assert again.status_code == 401 and problem(again)["code"] == "auth_replayed"


def test_a_new_key_works_at_once_although_the_old_row_is_remembered(app, terminal) -> None:
    """GIVEN the cloud remembers the terminal's row WHEN the terminal is registered again with a
    new key (new machine: new fingerprint too) THEN its first request signed with the new key is
    accepted, and the old key is refused."""
    import secrets as random_source

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from tests.cloud.conftest import SignedClient, TerminalKey

    assert terminal.get("/api/v1/terminal").status_code == 200
    assert app.extensions["mykey"].terminal_rows.get(TID) is not None
    new = TerminalKey(TID, Ed25519PrivateKey.generate(), random_source.token_hex(32))
    _update_terminal(app, public_key=new.public_b64, fingerprint=new.fingerprint)
    moved = SignedClient(terminal.client, new, terminal.clock)
    assert moved.get("/api/v1/terminal").status_code == 200
    old = terminal.get("/api/v1/terminal")
    assert old.status_code == 401 and problem(old)["code"] == "auth_wrong_fingerprint"
