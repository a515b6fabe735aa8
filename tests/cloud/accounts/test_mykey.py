"""MyKey ID creation (画面16): challenge, auto generation (3rd is final), chosen ID checks."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from cloud_api.models.accounts import Holder, HolderCertificate, MykeyIdRegistry
from tests.cloud.accounts.helpers import make_ca, new_card, problem, snapshot
from tests.cloud.conftest import NOW

KIOSK = "00052459"
PROFILE = {"mypage_password": "abc123XYZ", "email": "hanako@example.com",
           "notices": {"notice_granted": True, "notice_expired": False},
           "base_municipality_code": "141305"}


@pytest.fixture
def kiosk(kawasaki, signed_client, settings):  # type: ignore[no-untyped-def]
    kawasaki.terminal(KIOSK, "A", id_business_id="000001")
    ca = make_ca(settings.jpki_ca_dir)
    return signed_client(KIOSK), ca


def challenge(kiosk: Any) -> dict[str, Any]:
    resp = kiosk.post("/api/v1/mykey/challenge")
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()  # type: ignore[no-any-return]


def create(kiosk: Any, ch: dict[str, Any], card: Any, mykey_id: str, **over: Any) -> Any:
    body = {"challenge_id": ch["challenge_id"], "auth_cert": card.der_b64,
            "signature": card.sign(ch["challenge"]), "mykey_id": mykey_id, **PROFILE, **over}
    return kiosk.post("/api/v1/mykey", body)


def test_chosen_id_checked_then_registered_with_serial_and_expiry(kiosk, sessions) -> None:
    client, ca = kiosk
    card, ch = new_card(ca, NOW), challenge(client)
    check = client.post("/api/v1/mykey/check", {"challenge_id": ch["challenge_id"],
                                                "mykey_id": "MY123456"})
    assert check.get_json()["available"] is True
    resp = create(client, ch, card, "MY123456")
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["auth_cert_serial"] == card.serial
    with sessions() as s:
        holder = s.scalar(select(Holder).where(Holder.mykey_id == "MY123456"))
        assert holder.email == "hanako@example.com" and holder.notice_granted
        assert holder.mypage_password_hash.startswith("scrypt$")
        cert = s.scalar(select(HolderCertificate).where(HolderCertificate.holder_id == holder.id))
        assert cert.serial == card.serial and cert.current


def test_auto_generation_stops_at_three_and_the_third_is_registered(kiosk) -> None:
    client, ca = kiosk
    ch = challenge(client)
    got = [client.post("/api/v1/mykey/generate", {"challenge_id": ch["challenge_id"]}).get_json()
           for _ in range(3)]
    assert [g["final"] for g in got] == [False, False, True]
    assert all(len(g["candidate"]) == 8 and g["candidate"].isalnum() for g in got)
    fourth = client.post("/api/v1/mykey/generate", {"challenge_id": ch["challenge_id"]})
    assert fourth.status_code == 409 and problem(fourth)["code"] == "mykey_generation_exhausted"
    card = new_card(ca, NOW)
    assert create(client, ch, card, got[1]["candidate"]).status_code == 422
    resp = create(client, ch, card, got[2]["candidate"])
    assert resp.status_code == 201 and resp.get_json()["mykey_id"] == got[2]["candidate"]


def test_three_taken_ids_fall_back_to_auto_generation(kiosk, kawasaki) -> None:
    client, _ = kiosk
    for mykey_id in ("TAKEN001", "TAKEN002", "TAKEN003"):
        kawasaki.holder(mykey_id, auth_serial=mykey_id[-3:])
    ch = challenge(client)
    answers = [client.post("/api/v1/mykey/check", {"challenge_id": ch["challenge_id"],
                                                   "mykey_id": m}).get_json()
               for m in ("TAKEN001", "TAKEN002", "TAKEN003")]
    assert [a["available"] for a in answers] == [False, False, False]
    assert answers[1]["candidate"] is None and answers[1]["check_failures"] == 2
    assert answers[2]["candidate"] not in (None, "TAKEN003") and answers[2]["check_failures"] == 3


def test_a_revoked_mykey_id_is_never_handed_out_again(kiosk, kawasaki, sessions) -> None:
    from cloud_api.db import unit_of_work

    client, _ = kiosk
    holder_id = kawasaki.holder("OLDID123", auth_serial="AAA1")
    with unit_of_work(sessions) as s:
        s.get(Holder, holder_id).state = "revoked"
        s.get(MykeyIdRegistry, "OLDID123").released_at = NOW
    ch = challenge(client)
    resp = client.post("/api/v1/mykey/check", {"challenge_id": ch["challenge_id"],
                                               "mykey_id": "OLDID123"})
    assert resp.get_json()["available"] is False


def test_malformed_chosen_id_is_refused(kiosk, subtests) -> None:
    client, _ = kiosk
    ch = challenge(client)
    for mykey_id in ("my123456", "MY12345", "MY1234567", "MY-23456", 12345678):
        with subtests.test(mykey_id=mykey_id):
            resp = client.post("/api/v1/mykey/check", {"challenge_id": ch["challenge_id"],
                                                       "mykey_id": mykey_id})
            assert resp.status_code == 422 and problem(resp)["errors"][0]["field"] == "mykey_id"


BAD_PROFILES = [
    ({"mypage_password": "abc12"}, "mypage_password"),
    ({"mypage_password": "abcdefghijklmnopq"}, "mypage_password"),
    ({"mypage_password": "abc-123"}, "mypage_password"),
    ({"email": "nope"}, "email"),
    ({"base_municipality_code": "131164"}, "base_municipality_code"),   # no municipal point
    ({"base_municipality_code": "14130"}, "base_municipality_code")]


def test_bad_profile_is_refused_and_nothing_is_stored(kiosk, app, subtests) -> None:
    client, ca = kiosk
    ch, card = challenge(client), new_card(ca, NOW)
    client.post("/api/v1/mykey/check", {"challenge_id": ch["challenge_id"], "mykey_id": "NEWID001"})
    before = snapshot(app)
    for over, field in BAD_PROFILES:
        with subtests.test(**over):
            resp = create(client, ch, card, "NEWID001", **over)
            assert resp.status_code == 422
            assert [e["field"] for e in problem(resp)["errors"]] == [field]
    assert snapshot(app) == before


def test_event_municipality_cannot_be_the_base_account(kiosk, kawasaki) -> None:
    from datetime import date

    client, ca = kiosk
    kawasaki.municipality("360007", "徳島県", "徳島県")
    kawasaki.point("360007", "阿波踊りにぎわいプロジェクト", 10, kind="event",
                   service=(date(2026, 11, 1), date(2026, 11, 30)))
    ch, card = challenge(client), new_card(ca, NOW)
    client.post("/api/v1/mykey/check", {"challenge_id": ch["challenge_id"], "mykey_id": "NEWID002"})
    resp = create(client, ch, card, "NEWID002", base_municipality_code="360007")
    assert problem(resp)["errors"][0]["code"] == "no_municipal_point"


def test_signature_must_be_by_the_card_over_this_challenge(kiosk, app) -> None:
    client, ca = kiosk
    ch, card, other = challenge(client), new_card(ca, NOW), new_card(ca, NOW)
    client.post("/api/v1/mykey/check", {"challenge_id": ch["challenge_id"], "mykey_id": "NEWID003"})
    before = snapshot(app)
    resp = create(client, ch, card, "NEWID003", signature=other.sign(ch["challenge"]))
    assert resp.status_code == 422 and problem(resp)["code"] == "mykey_signature_invalid"
    resp = create(client, ch, card, "NEWID003", signature=card.sign("another challenge"))
    assert problem(resp)["code"] == "mykey_signature_invalid"
    assert snapshot(app) == before


def test_challenge_expires_and_belongs_to_its_terminal(kiosk, kawasaki, signed_client, clock
                                                       ) -> None:
    client, _ = kiosk
    kawasaki.terminal("00052460", "A", id_business_id="000001")
    ch = challenge(client)
    other = signed_client("00052460").post("/api/v1/mykey/generate",
                                           {"challenge_id": ch["challenge_id"]})
    assert other.status_code == 404 and problem(other)["code"] == "mykey_challenge_invalid"
    clock.advance(seconds=301)
    late = client.post("/api/v1/mykey/generate", {"challenge_id": ch["challenge_id"]})
    assert late.status_code == 410


def test_a_card_registers_only_one_mykey_id(kiosk) -> None:
    client, ca = kiosk
    card = new_card(ca, NOW)
    for n, expected in (("NEWID004", 201), ("NEWID005", 409)):
        ch = challenge(client)
        client.post("/api/v1/mykey/check", {"challenge_id": ch["challenge_id"], "mykey_id": n})
        resp = create(client, ch, card, n)
        assert resp.status_code == expected
    assert problem(resp)["code"] == "card_already_registered"
