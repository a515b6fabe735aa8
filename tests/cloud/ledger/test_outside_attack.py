"""GIVEN the defects a black-box attack on the API found (issue 19 A1-A6) WHEN each is tried
again THEN the cloud refuses it with a clear Japanese problem+json and changes nothing."""
from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from tests.cloud.conftest import problem
from tests.cloud.ledger.world import CHAMBER, MUSEUM, TOKUSHIMA

NESTED = b'{"terminal_id":' + b"[" * 1000 + b"]" * 1000 + b"}"


# A1: a deeply nested body was a RecursionError and a 500, before any authentication

@pytest.mark.parametrize("path", ["/api/v1/terminals/precheck", "/api/v1/terminals/register",
                                  "/api/v1/cards/read", "/api/v1/spend"])
def test_deeply_nested_json_is_refused_before_parsing(world, client, signed_client, path, caplog):
    if path.endswith(("precheck", "register")):
        resp = client.post(path, data=NESTED, content_type="application/json",
                           headers={"X-MyKey-Client-Version": "9.9.9"})
    else:
        c = signed_client(MUSEUM)
        resp = c.raw("POST", path, NESTED, c.headers("POST", path, NESTED))
    assert resp.status_code == 400
    body = problem(resp)
    assert body["code"] == "json_too_deep" and "入れ子" in body["detail"]
    assert "RecursionError" not in caplog.text and "Traceback" not in caplog.text
    assert world.ledger_counts()[0] == 0


def test_nesting_within_the_limit_is_parsed_as_usual(world, signed_client):
    body = {"card_token": [[[[["x"]]]]], "point_id": "00000001", "amount": 1}
    resp = signed_client(MUSEUM).post("/api/v1/spend", body)
    assert resp.status_code == 422 and problem(resp)["errors"][0]["field"] == "card_token"


def test_brackets_inside_strings_do_not_count_as_nesting(world, signed_client):
    body = {"card_token": "[" * 5000 + '\\"{' * 100, "point_id": "00000001", "amount": 1}
    resp = signed_client(MUSEUM).post("/api/v1/spend", body)
    assert resp.status_code == 422   # the token is refused as a token, not as nesting


def test_a_body_over_the_api_limit_is_413_saying_it_is_too_large(world, signed_client):
    big = json.dumps({"card_token": "x" * (3 * 1024 * 1024)}).encode()
    c = signed_client(MUSEUM)
    resp = c.raw("POST", "/api/v1/spend", big, c.headers("POST", "/api/v1/spend", big))
    assert resp.status_code == 413
    assert problem(resp)["code"] == "payload_too_large"
    assert "大きすぎます" in problem(resp)["detail"]


def test_a_body_that_is_not_json_or_not_an_object(world, signed_client):
    c = signed_client(MUSEUM)
    for raw in (b"[1, 2]", b"\xff\xfe", b'"text"', b"{"):
        resp = c.raw("POST", "/api/v1/spend", raw, c.headers("POST", "/api/v1/spend", raw))
        assert resp.status_code == 422 and problem(resp)["code"] == "body_not_object", raw


# A2: "notices" that is not an object was a 500

@pytest.mark.parametrize("notices", ["AAA", ["notice_granted"], 7, True])
def test_notices_that_are_not_an_object_are_a_field_error(world, signed_client, notices):
    body = {"challenge_id": 1, "mykey_id": "ABCD1234", "mypage_password": "abc12345",
            "base_municipality_code": "141305", "notices": notices,
            "auth_cert": "AAAA", "signature": "AAAA"}
    resp = signed_client(MUSEUM).post("/api/v1/mykey", body)
    assert resp.status_code == 422, resp.get_data(as_text=True)
    fields = {e["field"]: e["code"] for e in problem(resp)["errors"]}
    assert "notices" in fields


# A3: full-width digits passed the ID checks and debited point 00000001

@pytest.mark.parametrize("point_id", ["００００００００１"[:8], "0000000１", "00000001\n", "٠٠٠٠٠٠٠١"])
def test_point_ids_are_ascii_digits_only(world, grant_via_api, signed_client, point_id):
    grant_via_api(1000)
    before = world.ledger_counts()
    body = {"card_token": world.token(MUSEUM), "point_id": point_id, "amount": 100}
    resp = signed_client(MUSEUM).post("/api/v1/spend", body)
    assert resp.status_code == 422
    assert problem(resp)["errors"][0] == {"field": "point_id", "code": "point_id_invalid",
                                          "message": problem(resp)["errors"][0]["message"]}
    assert world.ledger_counts() == before


@pytest.mark.parametrize("number", ["１２３４５６７８９０１２", "12345678901２"])
def test_voucher_numbers_are_ascii_digits_only(world, signed_client, number):
    resp = signed_client(MUSEUM).get(f"/api/v1/vouchers/{quote(number)}")
    assert resp.status_code == 422 and problem(resp)["code"] == "voucher_no_invalid"


def test_grant_business_ids_and_mykey_ids_are_ascii_only(world, signed_client):
    from tests.cloud.ledger.world import OFFICE

    resp = signed_client(OFFICE).post(f"/api/v1/grant-businesses/{quote('０００１')}/grants",
                                      {"mykey_id": "MY123456", "client_ref": "ref-0001"})
    assert resp.status_code == 422
    resp = signed_client(OFFICE).post("/api/v1/grant-businesses/0001/grants",
                                      {"mykey_id": "MY12345６", "client_ref": "ref-0001"})
    assert resp.status_code == 422
    assert problem(resp)["errors"][0]["field"] == "mykey_id"


def test_no_input_pattern_in_the_cloud_uses_backslash_d_or_a_partial_match():
    """The sweep: every pattern that checks input is ASCII and matched whole."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[3] / "cloud_api"
    offenders = []
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"re\.compile\(r?[\"'].*\\d", line) or re.search(
                    r"[A-Z_]+\.match\(", line) or re.search(r"\bre\.match\(", line):
                offenders.append(f"{path.relative_to(root)}:{no}: {line.strip()}")
    assert offenders == []


# A4: the signature covers the request target exactly as sent

@pytest.mark.parametrize("path", ["/api/v1/vouchers/%27x", "/api/v1/vouchers/%E3%81%82",
                                  "/api/v1/vouchers/a%2Fb", "/api/v1/vouchers/1%3B2%3F%23",
                                  "/api/v1/vouchers/~._-"])
def test_a_path_is_verified_as_sent_with_reserved_and_non_ascii_characters(world, signed_client,
                                                                         path):
    c = signed_client(MUSEUM)
    resp = c.raw("GET", path, b"", c.headers("GET", path, b""))
    assert resp.status_code in (404, 422), resp.get_data(as_text=True)   # signature accepted
    assert problem(resp)["code"] in ("voucher_no_invalid", "not_found")


def test_a_signature_over_the_decoded_path_is_refused(world, signed_client):
    c = signed_client(MUSEUM)
    resp = c.raw("GET", "/api/v1/vouchers/%27x", b"", c.headers("GET", "/api/v1/vouchers/'x", b""))
    assert resp.status_code == 401 and problem(resp)["code"] == "auth_bad_signature"


def test_request_target_from_servers_that_pass_only_the_decoded_path():
    from cloud_api.api._request import request_target

    granian_like = {"PATH_INFO": "/api/v1/vouchers/'xã\x81\x82", "QUERY_STRING": "a=%20b",
                    "SCRIPT_NAME": ""}
    assert request_target(granian_like) == "/api/v1/vouchers/%27x%E3%81%82?a=%20b"
    assert request_target({"RAW_URI": "/p/%7e?q", "PATH_INFO": "/p/~"}) == "/p/%7e?q"
    assert request_target({"REQUEST_URI": "http://cloud.example/p/%27?x=1"}) == "/p/%27?x=1"


# A5: another municipality's terminal read a voucher's amount, point and place

def test_another_municipalitys_terminal_cannot_read_or_redeem_a_voucher(world, grant_via_api,
                                                                      signed_client):
    grant_via_api(1000)
    body = {"card_token": world.token(CHAMBER), "point_id": f"{world.point_id:08d}",
            "amount": 300, "validity_days": 30}
    voucher = signed_client(CHAMBER).post("/api/v1/vouchers", body).get_json()
    path = f"/api/v1/vouchers/{voucher['voucher_no']}"
    shown = signed_client(TOKUSHIMA).get(path)
    assert shown.status_code == 403 and problem(shown)["code"] == "point_not_usable_here"
    assert "300" not in shown.get_data(as_text=True) and "川崎" not in shown.get_data(as_text=True)
    assert signed_client(MUSEUM).get(path).status_code == 200      # where it can be redeemed
    assert signed_client(CHAMBER).get(path).status_code == 200     # where it was issued
    before = world.ledger_counts()
    redeem = signed_client(TOKUSHIMA).post(path + "/redeem")
    assert redeem.status_code == 403 and problem(redeem)["code"] == "point_not_usable_here"
    assert world.ledger_counts() == before


def test_a_redeemed_voucher_tells_another_town_nothing_of_its_state(world, grant_via_api,
                                                                    signed_client):
    grant_via_api(1000)
    body = {"card_token": world.token(CHAMBER), "point_id": f"{world.point_id:08d}",
            "amount": 300, "validity_days": 30}
    number = signed_client(CHAMBER).post("/api/v1/vouchers", body).get_json()["voucher_no"]
    assert signed_client(MUSEUM).post(f"/api/v1/vouchers/{number}/redeem").status_code == 201
    again = signed_client(TOKUSHIMA).post(f"/api/v1/vouchers/{number}/redeem")
    assert problem(again)["code"] == "point_not_usable_here"


# A6: 405 without Allow; 413 said the request was malformed

def test_405_carries_allow_for_the_api_and_the_console(world, client):
    resp = client.delete("/api/v1/spend")
    assert resp.status_code == 405 and problem(resp)["code"] == "method_not_allowed"
    assert set(resp.headers["Allow"].replace(" ", "").split(",")) >= {"POST"}
    page = client.put("/console/login")
    assert page.status_code == 405 and "Allow" in page.headers
    assert page.mimetype == "text/html"


# A7: what docs/openapi.json calls invalid is refused

def test_an_empty_signature_certificate_serial_is_refused_as_the_document_says(world,
                                                                               signed_client):
    from tests.cloud.ledger.world import STREET

    body = {"card_token": world.token(STREET), "customer_id": "12345", "address_notice": False,
            "sign_cert_serial": ""}
    resp = signed_client(STREET).post("/api/v1/service-ids", body)
    assert resp.status_code == 422
    assert problem(resp)["errors"][0]["field"] == "sign_cert_serial"
