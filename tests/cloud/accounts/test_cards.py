"""Card reads: GIVEN the test JPKI CA WHEN a card's auth certificate is sent THEN MyKey ID or a
clear refusal (revoked, expired, foreign CA, unknown); re-issued cards succeed the old serial."""
from __future__ import annotations

import base64
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from cloud_api.db import unit_of_work
from cloud_api.errors import ApiError
from cloud_api.models.accounts import HolderCertificate
from cloud_api.services.cards import CardHolderRef, CardTokens
from cloud_api.services.cert_links import import_links, read_links
from tests.cloud.accounts.helpers import make_ca, new_card, problem, reissue, snapshot
from tests.cloud.conftest import NOW
from tests.db_waits import wait_for_a_lock_wait

TID = "00052559"


@pytest.fixture
def museum(kawasaki, signed_client, settings):  # type: ignore[no-untyped-def]
    kawasaki.terminal(TID, "I", place="川崎市藤子・F・不二雄ミュージアム")
    return signed_client(TID), make_ca(settings.jpki_ca_dir), kawasaki


def enrol(factory: Any, card: Any, mykey_id: str = "MY123456") -> int:
    return factory.holder(mykey_id, auth_serial=card.serial)  # type: ignore[no-any-return]


def link_reissues(sessions: Any, settings: Any) -> None:
    """Import the test CA's old → new serial link records (as J-LIS would deliver them)."""
    with unit_of_work(sessions) as s:
        import_links(s, read_links(settings.jpki_ca_dir / "succession.csv"), NOW)


def read(client: Any, card: Any) -> Any:
    return client.post("/api/v1/cards/read", {"auth_cert": card.der_b64})


def test_valid_card_gives_mykey_id_token_and_balances(museum) -> None:
    client, ca, factory = museum
    card = new_card(ca, NOW)
    enrol(factory, card)
    resp = read(client, card)
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["mykey_id"] == "MY123456"
    assert body["balances"] == [{"point_id": "00000001", "kind": "municipal",
                                 "name": "川崎市ポイント", "balance": 0, "expires_next": None}]
    assert body["expires_at"] == "2026-11-22T10:10:00+09:00"


def test_token_is_bound_to_terminal_and_time(museum) -> None:
    tokens = CardTokens("k" * 32)
    token, _ = tokens.issue(CardHolderRef(7, "MY123456"), TID, NOW, 600)
    assert tokens.resolve(token, TID, NOW) == CardHolderRef(7, "MY123456")
    for terminal, at, key in ((TID, NOW + timedelta(seconds=601), tokens),
                              ("00052560", NOW, tokens), (TID, NOW, CardTokens("x" * 32))):
        with pytest.raises(ApiError) as err:
            key.resolve(token, terminal, at)
        assert getattr(err.value, "code", None) == "card_token_invalid"
    payload, mac = token.rsplit(".", 1)
    for forged in (f"{payload}.{mac[::-1]}", f"{payload[::-1]}.{mac}", "", "a.b.c", "x" * 600):
        with pytest.raises(ApiError) as err:
            tokens.resolve(forged, TID, NOW)
        assert getattr(err.value, "code", None) == "card_token_invalid"


def test_revoked_certificate_is_refused(museum) -> None:
    client, ca, factory = museum
    card = new_card(ca, NOW)
    enrol(factory, card)
    ca.revoke(card.cert.serial_number, "auth")
    resp = read(client, card)
    assert resp.status_code == 422 and problem(resp)["code"] == "card_certificate_revoked"
    assert "失効" in problem(resp)["detail"]


def test_expired_certificate_is_refused(museum, clock) -> None:
    client, ca, factory = museum
    card = new_card(ca, NOW)
    enrol(factory, card)
    clock.set(card.cert.not_valid_after_utc + timedelta(seconds=1))
    resp = read(client, card)
    assert resp.status_code == 422 and problem(resp)["code"] == "card_certificate_expired"


def test_certificate_of_a_foreign_ca_is_refused(museum, tmp_path: Path) -> None:
    client, _, factory = museum
    foreign = make_ca(tmp_path / "foreign", name="Not JPKI")
    card = new_card(foreign, NOW)
    enrol(factory, card)  # even a registered serial: the chain decides
    resp = read(client, card)
    assert resp.status_code == 422 and problem(resp)["code"] == "card_certificate_invalid"


def test_malformed_certificate_is_refused(museum, subtests) -> None:
    client, _, _ = museum
    for value in ("", "not base64!", base64.b64encode(b"garbage").decode(), 42):
        with subtests.test(value=value):
            resp = client.post("/api/v1/cards/read", {"auth_cert": value})
            assert resp.status_code == 422 and problem(resp)["detail"]


def test_unregistered_card_is_404(museum) -> None:
    client, ca, _ = museum
    resp = read(client, new_card(ca, NOW))
    assert resp.status_code == 404 and problem(resp)["code"] == "card_not_registered"


def test_reissued_card_is_linked_at_first_use(museum, sessions, settings) -> None:
    client, ca, factory = museum
    old = new_card(ca, NOW)
    holder_id = enrol(factory, old)
    new = reissue(ca, old, NOW)
    assert read(client, new).status_code == 404          # no link record yet
    link_reissues(sessions, settings)
    resp = read(client, new)
    assert resp.status_code == 200 and resp.get_json()["mykey_id"] == "MY123456"
    with sessions() as s:
        rows = s.scalars(select(HolderCertificate).where(
            HolderCertificate.holder_id == holder_id).order_by(HolderCertificate.id)).all()
        assert [(r.serial, r.current) for r in rows] == [(old.serial, False), (new.serial, True)]
    assert read(client, new).status_code == 200           # second use: plain lookup
    assert problem(read(client, old))["code"] == "card_certificate_revoked"


def test_twice_reissued_card_follows_the_chain(museum, sessions, settings) -> None:
    client, ca, factory = museum
    first = new_card(ca, NOW)
    enrol(factory, first)
    second = reissue(ca, first, NOW)
    third = reissue(ca, second, NOW)
    link_reissues(sessions, settings)
    assert read(client, third).get_json()["mykey_id"] == "MY123456"


def test_superseded_but_unrevoked_old_card_is_refused(museum, sessions, settings, app) -> None:
    client, ca, factory = museum
    old = new_card(ca, NOW)
    enrol(factory, old)
    new = reissue(ca, old, NOW)
    link_reissues(sessions, settings)
    read(client, new)
    ca._write_crl("auth", [], NOW)   # a CRL that does not list the old card (yet)
    resp = read(client, old)
    assert resp.status_code == 422 and problem(resp)["code"] == "card_certificate_superseded"


def test_event_balances_only_where_the_event_is_usable(museum, signed_client) -> None:
    client, ca, factory = museum
    factory.municipality("360007", "徳島県", "徳島県")
    factory.municipality("362018", "徳島市", "徳島県")
    factory.point("360007", "阿波踊りにぎわいプロジェクト", 10, kind="event",
                  service=(date(2026, 11, 1), date(2026, 11, 30)),
                  targets=[{"scope": "municipality", "municipality_code": "362018"}])
    factory.terminal("00020005", "A", municipality_code="362018", place="徳島市立図書館")
    card = new_card(ca, NOW)
    enrol(factory, card)
    names = [b["name"] for b in read(client, card).get_json()["balances"]]
    assert names == ["川崎市ポイント"]
    tokushima = signed_client("00020005").post("/api/v1/cards/read", {"auth_cert": card.der_b64})
    assert [b["name"] for b in tokushima.get_json()["balances"]] == ["阿波踊りにぎわいプロジェクト"]


def test_bad_cert_link_file_imports_nothing(museum, sessions, tmp_path: Path, app) -> None:
    path = tmp_path / "links.csv"
    path.write_text("old_serial,new_serial\n100,200\nabc,300\n", encoding="utf-8")
    before = snapshot(app)
    with pytest.raises(ApiError) as err:
        read_links(path)
    assert getattr(err.value, "code", "") == "cert_link_bad_rows"
    assert "3行目" in err.value.detail  # type: ignore[attr-defined]
    assert snapshot(app) == before


def test_signature_certificate_is_not_an_auth_certificate(museum) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    from drivers.card.virtual.ca import issue_card
    from tests.cloud.accounts.helpers import PERSON

    client, ca, factory = museum
    doc = issue_card(ca, PERSON, pin="1234", sign_password="abcdef", now=NOW)
    sign = x509.load_pem_x509_certificate(doc.sign["cert_pem"].encode())
    factory.holder("MY123456", auth_serial=f"{sign.serial_number:X}")
    der = base64.b64encode(sign.public_bytes(serialization.Encoding.DER)).decode()
    resp = client.post("/api/v1/cards/read", {"auth_cert": der})
    assert resp.status_code == 422 and problem(resp)["code"] == "card_certificate_invalid"


@pytest.mark.postgres_only("SQLite's writers take turns whole (BEGIN IMMEDIATE)")
def test_two_first_reads_of_a_reissued_card_at_once_both_find_the_holder(
        museum, sessions, settings, db_url) -> None:
    """GIVEN a re-issued card whose first read is linking it (not yet committed) WHEN a second
    read of it arrives THEN it waits for the first and finds the link: the holder, not a 500 on
    the new serial's unique key (PostgreSQL; SQLite's writers take turns whole)."""
    import threading

    from cryptography.hazmat.primitives import serialization

    from cloud_api.services import jpki
    from cloud_api.services.cards import holder_for_certificate

    _, ca, factory = museum
    old = new_card(ca, NOW)
    enrol(factory, old)
    new = reissue(ca, old, NOW)
    link_reissues(sessions, settings)
    der = new.cert.public_bytes(serialization.Encoding.DER)
    cert = jpki.verify_certificate(der, jpki.trust_store(settings.jpki_ca_dir), NOW)
    linked, release, found = threading.Event(), threading.Event(), []

    def first() -> None:
        with unit_of_work(sessions) as s:
            found.append(holder_for_certificate(s, cert, NOW).mykey_id)
            linked.set()
            release.wait(30)

    def second() -> None:
        with unit_of_work(sessions) as s:
            found.append(holder_for_certificate(s, cert, NOW).mykey_id)

    a, b = threading.Thread(target=first), threading.Thread(target=second)
    a.start()
    assert linked.wait(30)
    b.start()
    wait_for_a_lock_wait(db_url)                  # the second read waits for the first
    release.set()
    a.join(30)
    b.join(30)
    assert found == ["MY123456", "MY123456"]
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(HolderCertificate).where(
            HolderCertificate.serial == new.serial)) == 1


def test_a_crl_with_a_bad_signature_refuses_cards_instead_of_revoking_nothing(
        museum, settings) -> None:
    """GIVEN the only CRL of the auth CA replaced by one with the CA's name but another key's
    signature (damaged or forged) WHEN a card is read THEN 503 card_revocation_unknown in
    Japanese: revocation cannot be checked, so no card is believed."""
    from datetime import timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    client, ca, factory = museum
    card = new_card(ca, NOW)
    enrol(factory, card)
    assert read(client, card).status_code == 200
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = (x509.CertificateRevocationListBuilder().issuer_name(ca.crl("auth").issuer)
              .last_update(NOW).next_update(NOW + timedelta(days=1))
              .sign(other_key, hashes.SHA256()))
    (settings.jpki_ca_dir / "auth-ca.crl.pem").write_bytes(
        forged.public_bytes(serialization.Encoding.PEM))
    resp = read(client, card)
    assert resp.status_code == 503 and problem(resp)["code"] == "card_revocation_unknown"
    assert "失効リスト" in problem(resp)["detail"]


def test_a_stale_crl_refuses_cards_instead_of_missing_later_revocations(museum, settings) -> None:
    """GIVEN the auth CA's own, validly signed CRL whose next update has passed WHEN a card is
    read THEN 503 card_revocation_unknown: what was revoked since is unknown, so no card is
    believed; a fresh CRL in its place lets the card in again."""
    from cryptography.hazmat.primitives import serialization

    from drivers.card.virtual.cert_builder import build_crl

    client, ca, factory = museum
    card = new_card(ca, NOW)
    enrol(factory, card)
    path = settings.jpki_ca_dir / "auth-ca.crl.pem"
    fresh = path.read_bytes()
    stale = build_crl(ca.auth.cert, ca.auth.key, [], NOW - timedelta(days=3))
    path.write_bytes(stale.public_bytes(serialization.Encoding.PEM))
    resp = read(client, card)
    assert resp.status_code == 503 and problem(resp)["code"] == "card_revocation_unknown"
    path.write_bytes(fresh)
    assert read(client, card).status_code == 200


def test_the_same_serial_from_another_ca_is_another_card(museum, settings, tmp_path) -> None:
    """GIVEN two trusted JPKI CAs (a key rollover) that each gave serial S to a different person
    WHEN the second person's card is read THEN it is not the first person's MyKey ID: a card is
    found by (issuer, serial), and each card leads to its own holder once both are registered."""
    client, ca, factory = museum
    second = make_ca(tmp_path / "rollover", name="MyKey Test JPKI 2")
    for name in ("auth-ca.pem", "auth-ca.crl.pem"):
        (settings.jpki_ca_dir / f"rollover-{name}").write_bytes(
            (second.directory / name).read_bytes())
    first_card = new_card(ca, NOW)
    serial = int(first_card.serial, 16)
    from drivers.card.virtual.ca import issue_card
    from tests.cloud.accounts.helpers import PERSON, card_of
    other_card = card_of(issue_card(second, PERSON, pin="1234", sign_password=None,
                                    serial=serial, now=NOW))
    assert other_card.serial == first_card.serial
    enrol(factory, first_card, "MY123456")
    assert read(client, first_card).get_json()["mykey_id"] == "MY123456"
    resp = read(client, other_card)
    assert resp.status_code == 404 and problem(resp)["code"] == "card_not_registered"
    enrol(factory, other_card, "HANAKO12")
    assert read(client, other_card).get_json()["mykey_id"] == "HANAKO12"
    assert read(client, first_card).get_json()["mykey_id"] == "MY123456"
