"""GIVEN a voucher terminal (ウ) and point-use shops WHEN vouchers are issued, shown, redeemed and
reprinted through the API THEN 画面32-36 behave, a voucher is used whole once before expiry,
and bad requests change nothing."""
from __future__ import annotations

from tests.cloud.conftest import problem
from tests.cloud.ledger.world import CHAMBER, MUSEUM, OFFICE, TOKUSHIMA


def _issue(world, signed_client, amount=500, days=30):
    body = {"card_token": world.token(CHAMBER), "point_id": f"{world.point_id:08d}",
            "amount": amount, "validity_days": days}
    return signed_client(CHAMBER).post("/api/v1/vouchers", body)


def test_issue_show_redeem_and_reprint(world, grant_via_api, signed_client):
    grant_via_api(1730)
    resp = _issue(world, signed_client)
    assert resp.status_code == 201, resp.get_json()
    v = resp.get_json()
    assert v["voucher_no"].isdigit() and len(v["voucher_no"]) == 12
    assert (v["amount"], v["balance_after"], v["expires_at"], v["issue_type"]) == (
        500, 1230, "2018-01-29", "ポイント券")
    path = f"/api/v1/vouchers/{v['voucher_no']}"
    shown = signed_client(MUSEUM).get(path).get_json()
    assert (shown["state"], shown["issue_place"], shown["validity_days"]) == (
        "issued", "川崎商工会議所", 30)
    done = signed_client(MUSEUM).post(path + "/redeem")
    assert done.status_code == 201
    assert done.get_json()["place"] == "川崎市藤子・F・不二雄ミュージアム"
    assert signed_client(MUSEUM).get(path).get_json()["state"] == "redeemed"
    again = signed_client(MUSEUM).post(path + "/redeem")
    assert again.status_code == 409 and problem(again)["code"] == "voucher_already_redeemed"
    reprint = signed_client(CHAMBER).post(path + "/reprint")
    assert reprint.status_code == 200 and reprint.get_json() == v


def test_expired_voucher_is_refused(world, grant_via_api, signed_client):
    grant_via_api(1000)
    v = _issue(world, signed_client, days=1).get_json()
    world.clock.advance(days=1)
    before = world.ledger_counts()
    resp = signed_client(MUSEUM).post(f"/api/v1/vouchers/{v['voucher_no']}/redeem")
    assert resp.status_code == 410 and problem(resp)["code"] == "voucher_expired"
    assert world.ledger_counts() == before


BAD_NUMBERS = [("12345", 422, "voucher_no_invalid"), ("12345678901a", 422, "voucher_no_invalid"),
               ("1234567890123", 422, "voucher_no_invalid"), ("000000000001", 404, "voucher_not_found")]


def test_bad_voucher_numbers(world, signed_client):
    for number, status, code in BAD_NUMBERS:
        for method, suffix in (("post", "/redeem"), ("get", "")):
            resp = getattr(signed_client(MUSEUM), method)(f"/api/v1/vouchers/{number}{suffix}")
            assert (resp.status_code, problem(resp)["code"]) == (status, code), number


def test_redeem_where_the_point_is_not_usable_and_wrong_categories(world, grant_via_api,
                                                                    signed_client):
    grant_via_api(1000)
    v = _issue(world, signed_client).get_json()
    path = f"/api/v1/vouchers/{v['voucher_no']}"
    before = world.ledger_counts()
    resp = signed_client(TOKUSHIMA).post(path + "/redeem")
    assert resp.status_code == 403 and problem(resp)["code"] == "point_not_usable_here"
    resp = signed_client(OFFICE).post(path + "/redeem")
    assert problem(resp)["code"] == "forbidden_category"
    resp = signed_client(OFFICE).get(path)
    assert problem(resp)["code"] == "forbidden_category"
    resp = signed_client(MUSEUM).post(path + "/reprint")
    assert problem(resp)["code"] == "forbidden_category"
    assert world.ledger_counts() == before


BAD_ISSUES = [({"validity_days": 0}, "validity_days"), ({"validity_days": 31}, "validity_days"),
              ({"validity_days": "7"}, "validity_days"), ({"validity_days": None}, "validity_days"),
              ({"amount": 0}, "amount")]


def test_bad_issue_requests(world, grant_via_api, signed_client):
    grant_via_api(1000)
    before = world.ledger_counts()
    for change, field in BAD_ISSUES:
        body = {"card_token": world.token(CHAMBER), "point_id": f"{world.point_id:08d}",
                "amount": 100, "validity_days": 7, **change}
        resp = signed_client(CHAMBER).post("/api/v1/vouchers", body)
        assert resp.status_code == 422, change
        assert [e["field"] for e in problem(resp)["errors"]] == [field], change
    assert world.ledger_counts() == before


def test_voucher_larger_than_balance(world, grant_via_api, signed_client):
    grant_via_api(100)
    resp = _issue(world, signed_client, amount=101)
    assert resp.status_code == 422 and problem(resp)["code"] == "insufficient_balance"
