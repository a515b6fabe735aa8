"""Terminal registration (画面9/10): precheck, register, lockout, second machine, reset."""
from __future__ import annotations

import secrets
from typing import Any

import pytest
from sqlalchemy import select

from cloud_api.db import unit_of_work
from cloud_api.models.accounts import Terminal
from cloud_api.services.terminals import reset_terminal
from tests.cloud.accounts.helpers import problem, snapshot
from tests.cloud.conftest import CLIENT_VERSION, SignedClient, new_key

TID = "00052459"
CONTACT = {"id_business_id": "000001", "place": "高津図書館", "name": "高津図書館1台目",
           "person": "担当者A", "postal_code": "2130001", "address": "神奈川県川崎市高津区溝口4-16-3",
           "phone": "044-822-2413", "email": "abc@example.com"}
HEADERS = {"X-MyKey-Client-Version": CLIENT_VERSION}


@pytest.fixture
def issued(kawasaki):  # type: ignore[no-untyped-def]
    kawasaki.terminal(TID, "A", registered=False, id_business_id="000001")
    kawasaki.terminal("00052559", "I", registered=False, password="gja8zo9a")
    return kawasaki


def register(client: Any, key: Any, password: str = "e912kfja", contact: Any = None,
             **extra: Any) -> Any:
    body = {"terminal_id": key.terminal_id, "password": password, "public_key": key.public_b64,
            "fingerprint": key.fingerprint, "contact": CONTACT if contact is None else contact,
            **extra}
    return client.post("/api/v1/terminals/register", json=body,
                       headers={**HEADERS, "Idempotency-Key": secrets.token_urlsafe(12)})


def precheck(client: Any, terminal_id: str = TID, password: str = "e912kfja") -> Any:
    return client.post("/api/v1/terminals/precheck", headers=HEADERS,
                       json={"terminal_id": terminal_id, "password": password})


def test_precheck_shows_category_municipality_and_businesses(client, issued) -> None:
    resp = precheck(client)
    assert resp.status_code == 200
    assert resp.get_json() == {
        "terminal_id": TID, "category": "A", "also_point_use": False,
        "municipality": {"code": "141305", "name": "川崎市"},
        "id_businesses": [{"id": "000001", "name": "川崎市立図書館"}], "registered": False}


def test_register_then_signed_requests_work(client, issued, clock) -> None:
    key = new_key(TID)
    resp = register(client, key)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["terminal"]["contact"]["person"] == "担当者A"
    me = SignedClient(client, key, clock).get("/api/v1/terminal")
    assert me.status_code == 200 and me.get_json()["contact"]["email"] == "abc@example.com"


def test_second_machine_with_the_same_password_is_refused(client, issued, app) -> None:
    assert register(client, new_key(TID)).status_code == 201
    before = snapshot(app)
    resp = register(client, new_key(TID))
    assert resp.status_code == 409 and problem(resp)["code"] == "terminal_already_registered"
    assert snapshot(app) == before


def test_after_the_municipality_resets_it_a_new_machine_can_register(client, issued, sessions,
                                                                     clock) -> None:
    first = new_key(TID)
    assert register(client, first).status_code == 201
    with unit_of_work(sessions) as s:
        password = reset_terminal(s, TID, generate=True)
    assert password and len(password) >= 12
    assert SignedClient(client, first, clock).get("/api/v1/terminal").status_code == 401
    second = new_key(TID)
    assert register(client, second, password="e912kfja").status_code == 401
    assert register(client, second, password=password).status_code == 201


def test_wrong_passwords_lock_the_terminal(client, issued, app) -> None:
    for _ in range(4):
        resp = precheck(client, password="wrong-pass")
        assert resp.status_code == 401 and problem(resp)["code"] == "terminal_bad_credentials"
    resp = precheck(client, password="wrong-pass")
    assert resp.status_code == 423 and problem(resp)["code"] == "terminal_locked"
    resp = precheck(client)  # even the right password, now
    assert resp.status_code == 423 and "ロック" in problem(resp)["detail"]
    assert register(client, new_key(TID)).status_code == 423


def test_a_right_password_resets_the_failure_count(client, issued, sessions) -> None:
    precheck(client, password="nope-nope")
    assert precheck(client).status_code == 200
    with sessions() as s:
        assert s.get(Terminal, TID).failed_attempts == 0


BAD_CREDENTIALS = [("99999999", "e912kfja"), ("5245", "e912kfja"), (TID, ""), (None, None),
                   (TID, 12345678)]


def test_unknown_or_malformed_credentials_say_the_same(client, issued, subtests) -> None:
    for terminal_id, password in BAD_CREDENTIALS:
        with subtests.test(terminal_id=terminal_id, password=password):
            resp = precheck(client, terminal_id, password)
            assert resp.status_code == 401 and problem(resp)["code"] == "terminal_bad_credentials"
            assert problem(resp)["detail"] == "端末IDまたは端末パスワードが正しくありません。"


BAD_CONTACT = [
    ("place", "", "required"), ("place", "あ" * 51, "too_long"), ("name", "x" * 51, "too_long"),
    ("person", "y" * 31, "too_long"), ("postal_code", "213-0001", "invalid_format"),
    ("postal_code", "213000", "invalid_format"), ("address", "a" * 121, "too_long"),
    ("phone", "044-822-241３", "invalid_format"), ("phone", "0" * 16, "too_long"),
    ("phone", "044--822-2413", "invalid_format"), ("phone", "-0448222413", "invalid_format"),
    ("email", "abc.example.com", "invalid_format"), ("email", "a@b.c" + "d" * 251, "too_long"),
    # 画面10's address rule, as the terminal applies it (terminal_app/domain/contact.py)
    ("email", "山田@example.com", "invalid_format"), ("email", "abc@example", "invalid_format"),
    ("email", "abc@-example.com", "invalid_format"), ("email", "a b@example.com", "invalid_format"),
    ("id_business_id", "", "required"), ("id_business_id", "999999", "unknown"),
    ("id_business_id", "12", "invalid_format")]


def test_bad_contact_is_refused_field_by_field(client, issued, app, subtests) -> None:
    before = snapshot(app)
    for field, value, code in BAD_CONTACT:
        with subtests.test(field=field, value=value):
            resp = register(client, new_key(TID), contact={**CONTACT, field: value})
            assert resp.status_code == 422
            errors = problem(resp)["errors"]
            assert [(e["field"], e["code"]) for e in errors] == [(field, code)]
            assert errors[0]["message"]  # Japanese text for the clerk
    assert snapshot(app) == before


def test_category_i_may_not_name_an_id_business(client, issued) -> None:
    key = new_key("00052559")
    resp = register(client, key, password="gja8zo9a")
    assert resp.status_code == 422
    assert problem(resp)["errors"][0] == {"field": "id_business_id", "code": "not_allowed",
                                          "message": problem(resp)["errors"][0]["message"]}
    contact = {k: v for k, v in CONTACT.items() if k != "id_business_id"}
    assert register(client, key, password="gja8zo9a", contact=contact).status_code == 201


def test_bad_key_or_fingerprint_is_refused(client, issued, app, subtests) -> None:
    before = snapshot(app)
    for extra in ({"public_key": "AAAA"}, {"fingerprint": "AB" * 32}, {"fingerprint": "ab" * 31},
                  {"public_key": None}):
        with subtests.test(**extra):
            resp = register(client, new_key(TID), **extra)
            assert resp.status_code == 422 and problem(resp)["code"] == "validation_failed"
    assert snapshot(app) == before


def test_register_without_idempotency_key_is_refused(client, issued, app) -> None:
    key = new_key(TID)
    before = snapshot(app)
    resp = client.post("/api/v1/terminals/register", headers=HEADERS, json={
        "terminal_id": TID, "password": "e912kfja", "public_key": key.public_b64,
        "fingerprint": key.fingerprint, "contact": CONTACT})
    assert resp.status_code in (400, 422)
    assert problem(resp)["code"] == "idempotency_key_required"
    assert snapshot(app) == before


def test_retried_registration_returns_the_first_answer(client, issued) -> None:
    key = new_key(TID)
    body = {"terminal_id": TID, "password": "e912kfja", "public_key": key.public_b64,
            "fingerprint": key.fingerprint, "contact": CONTACT}
    headers = {**HEADERS, "Idempotency-Key": "register-once-0001"}
    first = client.post("/api/v1/terminals/register", json=body, headers=headers)
    again = client.post("/api/v1/terminals/register", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.get_json() == first.get_json()


def test_contact_change_updates_and_validates(issued, client, clock) -> None:
    key = new_key(TID)
    register(client, key)
    terminal = SignedClient(client, key, clock)
    resp = terminal.put("/api/v1/terminal/contact", {**CONTACT, "person": "担当者B"})
    assert resp.status_code == 200 and resp.get_json()["contact"]["person"] == "担当者B"
    bad = terminal.put("/api/v1/terminal/contact", {**CONTACT, "email": "x"})
    assert bad.status_code == 422
    assert terminal.get("/api/v1/terminal").get_json()["contact"]["email"] == "abc@example.com"


def test_passwords_are_stored_only_as_scrypt_hashes(issued, sessions) -> None:
    with sessions() as s:
        stored = s.scalar(select(Terminal.password_hash).where(Terminal.terminal_id == TID))
    assert stored.startswith("scrypt$16384$8$1$") and "e912kfja" not in stored


def test_two_machines_registering_at_once_only_one_wins(app, issued, sessions) -> None:
    import threading

    barrier, codes = threading.Barrier(3), []

    def attempt() -> None:
        client = app.test_client()
        key = new_key(TID)
        barrier.wait()
        codes.append(register(client, key).status_code)

    threads = [threading.Thread(target=attempt) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(codes) == [201, 409, 409]
    with sessions() as s:
        assert s.get(Terminal, TID).state == "active"


def test_cloud_and_terminal_apply_the_same_contact_formats() -> None:
    """What the terminal's 画面10 accepts the cloud accepts, and what it refuses the cloud
    refuses (one rule on both sides of the wire)."""
    from cloud_api.services import validation
    from terminal_app.domain import contact

    assert validation.PHONE.pattern == contact.PHONE.pattern
    assert validation.EMAIL.pattern == contact.EMAIL.pattern


def test_an_unknown_terminal_id_costs_a_password_check_too(client, monkeypatch) -> None:
    """Unknown IDs answer like wrong passwords and after the same scrypt work, so terminal IDs
    (printed on receipts) cannot be told from unknown ones by timing."""
    from cloud_api.services import passwords

    checked: list[str] = []
    real = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password",
                        lambda pw, stored: checked.append(pw) or real(pw, stored))
    resp = precheck(client, "99999999", "guess-1")
    assert resp.status_code == 401 and resp.get_json()["code"] == "terminal_bad_credentials"
    assert checked == ["guess-1"]
