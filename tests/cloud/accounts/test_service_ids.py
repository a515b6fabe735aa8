"""Service IDs (画面23-26): register, correct (history kept), look up, shopping cards."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from cloud_api.models.accounts import ServiceId
from tests.cloud.accounts.helpers import make_ca, new_card, problem, snapshot
from tests.cloud.conftest import NOW

LIB, SHOP = "00052459", "00052489"


@pytest.fixture
def street(kawasaki, signed_client, settings):  # type: ignore[no-untyped-def]
    kawasaki.id_business("000002", "ブレーメン商店街", is_shopping_street=True,
                         street_name="ブレーメン商店街", lookup_mode="barcode")
    kawasaki.terminal(LIB, "A", id_business_id="000001")
    kawasaki.terminal(SHOP, "A", also_point_use=True, id_business_id="000002",
                      place="〇〇果実店", name="〇〇果実店")
    ca = make_ca(settings.jpki_ca_dir)
    cards = {m: new_card(ca, NOW) for m in ("MY123456", "KEY34567")}
    for mykey_id, card in cards.items():
        kawasaki.holder(mykey_id, auth_serial=card.serial)
    return {"lib": signed_client(LIB), "shop": signed_client(SHOP), "cards": cards,
            "factory": kawasaki}


def token(client: Any, card: Any) -> str:
    resp = client.post("/api/v1/cards/read", {"auth_cert": card.der_b64})
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["card_token"]  # type: ignore[no-any-return]


def register(client: Any, card_token: str, customer_id: Any = "180000000011", notice: Any = False,
             sign: Any = None) -> Any:
    return client.post("/api/v1/service-ids", {"card_token": card_token, "customer_id": customer_id,
                                              "address_notice": notice, "sign_cert_serial": sign})


def test_register_then_lookup(street) -> None:
    lib, card = street["lib"], street["cards"]["MY123456"]
    t = token(lib, card)
    resp = register(lib, t)
    assert resp.status_code == 201
    assert resp.get_json() == {"id_business": {"id": "000001", "name": "川崎市立図書館"},
                               "mykey_id": "MY123456", "customer_id": "180000000011"}
    found = lib.post("/api/v1/service-ids/lookup", {"card_token": t}).get_json()
    assert found["id_business"]["lookup_mode"] == "number"
    assert found["id_business"]["symbology"] == "nw7" and found["customer_id"] == "180000000011"


def test_correction_keeps_history(street, sessions) -> None:
    lib, card = street["lib"], street["cards"]["MY123456"]
    t = token(lib, card)
    register(lib, t, "180000000011")
    register(lib, t, "180000000012", notice=True, sign="0249FB")
    with sessions() as s:
        rows = s.scalars(select(ServiceId).order_by(ServiceId.id)).all()
    assert [(r.customer_id, r.active) for r in rows] == [("180000000011", False),
                                                        ("180000000012", True)]
    assert rows[1].sign_cert_serial == "0249FB" and rows[1].auth_cert_serial == card.serial
    assert rows[0].replaced_at is not None


def test_customer_id_of_another_holder_is_refused(street, app) -> None:
    lib, cards = street["lib"], street["cards"]
    register(lib, token(lib, cards["MY123456"]))
    other = token(lib, cards["KEY34567"])   # a first read records the card's issuer
    before = snapshot(app)
    resp = register(lib, other)
    assert resp.status_code == 409 and problem(resp)["code"] == "service_id_taken"
    assert snapshot(app) == before


def test_lookup_without_registration_is_404(street) -> None:
    lib = street["lib"]
    resp = lib.post("/api/v1/service-ids/lookup", {"card_token": token(lib, street["cards"]["MY123456"])})
    assert resp.status_code == 404 and problem(resp)["code"] == "service_id_not_registered"


BAD_REGISTRATIONS = [
    ("", False, None, "customer_id"), ("x" * 21, False, None, "customer_id"),
    ("1800 0000", False, None, "customer_id"), ("１８０", False, None, "customer_id"),
    ("1800", "yes", None, "address_notice"), ("1800", True, None, "sign_cert_serial"),
    ("1800", True, "XYZ", "sign_cert_serial"), ("1800", False, "0249FB", "sign_cert_serial")]


def test_bad_registration_is_refused(street, app, subtests) -> None:
    lib = street["lib"]
    t = token(lib, street["cards"]["MY123456"])
    before = snapshot(app)
    for customer_id, notice, sign, field in BAD_REGISTRATIONS:
        with subtests.test(customer_id=customer_id, notice=notice, sign=sign):
            resp = register(lib, t, customer_id, notice, sign)
            assert resp.status_code == 422
            assert [e["field"] for e in problem(resp)["errors"]] == [field]
    assert snapshot(app) == before


def test_token_of_another_terminal_is_refused(street) -> None:
    t = token(street["shop"], street["cards"]["MY123456"])
    resp = register(street["lib"], t)
    assert resp.status_code == 401 and problem(resp)["code"] == "card_token_invalid"


def test_shopping_card_resolves_to_the_holder(street) -> None:
    shop, card = street["shop"], street["cards"]["KEY34567"]
    assert register(shop, token(shop, card), "SHOP-0042").status_code == 201
    resp = shop.post("/api/v1/cards/read-shopping", {"customer_id": "SHOP-0042"})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["mykey_id"] == "KEY34567" and body["street_name"] == "ブレーメン商店街"
    assert body["card_token"] and body["balances"][0]["name"] == "川崎市ポイント"


def test_shopping_card_rules(street, signed_client) -> None:
    shop = street["shop"]
    unknown = shop.post("/api/v1/cards/read-shopping", {"customer_id": "NOPE"})
    assert unknown.status_code == 404
    bad = shop.post("/api/v1/cards/read-shopping", {"customer_id": "x y"})
    assert bad.status_code == 422
    street["factory"].terminal("00052460", "A", also_point_use=True, id_business_id="000001")
    library = signed_client("00052460").post("/api/v1/cards/read-shopping", {"customer_id": "1"})
    assert library.status_code == 403 and problem(library)["code"] == "not_shopping_street"
    lib_only = street["lib"].post("/api/v1/cards/read-shopping", {"customer_id": "1"})
    assert lib_only.status_code == 403 and problem(lib_only)["code"] == "forbidden_category"
