"""GIVEN a shopping-street terminal, a grant terminal and a museum WHEN points are merged,
granted and reported through the API THEN the linkage file decrypts at the street, grants land
as lots, and the place report (JSON and CSV) shows only the caller's own place."""
from __future__ import annotations

import base64

from cloud_api.services import merge_file
from terminal_app import merge_receive
from tests.cloud.conftest import problem
from tests.cloud.ledger.world import MUSEUM, STREET


def test_merge_returns_a_linkage_file_the_street_can_read(world, grant_via_api, signed_client,
                                                          settings, tmp_path):
    grant_via_api(1000)
    body = {"card_token": world.token(STREET), "point_id": f"{world.point_id:08d}", "amount": 300}
    resp = signed_client(STREET).post("/api/v1/merges", body)
    assert resp.status_code == 201, resp.get_json()
    m = resp.get_json()
    assert (m["street_name"], m["customer_id"], m["balance_after"]) == (
        "ブレーメン通り商店街", "123456789", 700)
    assert m["linkage"]["format"] == "v2" and m["linkage"]["filename"].endswith(".mkm2")
    (tmp_path / m["linkage"]["filename"]).write_bytes(base64.b64decode(m["linkage"]["content_b64"]))
    key, secret = merge_file.linkage_keys("", "", settings.data_dir)
    report = merge_receive.receive_folder(tmp_path, key, secret)
    assert report.totals() == {"123456789": 300}
    assert report.accepted[0].transfer_key == f"20171231180237{STREET}00001"


def test_merge_v1_and_errors(world, grant_via_api, signed_client):
    grant_via_api(1000)
    body = {"card_token": world.token(STREET), "point_id": f"{world.point_id:08d}", "amount": 1,
            "format": "v1"}
    assert signed_client(STREET).post("/api/v1/merges", body).get_json()["linkage"]["format"] \
        == "v1"
    before = world.ledger_counts()
    bad = signed_client(STREET).post("/api/v1/merges", {**body, "format": "v3"})
    assert problem(bad)["errors"][0]["field"] == "format"
    other = {**body, "card_token": world.token(STREET, world.other_holder_id, "HANAKO12")}
    resp = signed_client(STREET).post("/api/v1/merges", other)
    assert resp.status_code == 404 and problem(resp)["code"] == "service_id_not_registered"
    resp = signed_client(STREET).post("/api/v1/merges", {**body, "amount": 5000})
    assert problem(resp)["code"] == "insufficient_balance"
    assert world.ledger_counts() == before


def test_place_report_json_and_csv(world, grant_via_api, signed_client):
    grant_via_api(5000)
    for amount in (1000, 700):
        body = {"card_token": world.token(MUSEUM), "point_id": f"{world.point_id:08d}",
                "amount": amount}
        assert signed_client(MUSEUM).post("/api/v1/spend", body).status_code == 201
    merge = {"card_token": world.token(STREET), "point_id": f"{world.point_id:08d}", "amount": 5}
    assert signed_client(STREET).post("/api/v1/merges", merge).status_code == 201
    q = "/api/v1/reports/place?from=2017-12-01&to=2017-12-31"
    rep = signed_client(MUSEUM).get(q).get_json()
    assert (rep["place"], rep["count"], rep["points"], rep["truncated"]) == (
        "川崎市藤子・F・不二雄ミュージアム", 2, 1700, False)
    assert [r["amount"] for r in rep["rows"]] == [1000, 700]
    assert rep["rows"][0]["mykey_id"] == "MY123456" and rep["rows"][1]["txn_no"] == "2017123100002"
    street = signed_client(STREET).get(q).get_json()
    assert street["count"] == 0                         # a merge is not a settlement of a place
    csv_resp = signed_client(MUSEUM).get(q.replace("place?", "place.csv?"))
    text = csv_resp.get_data().decode("utf-8")
    assert text.startswith("\ufeff▼集計表")
    assert "川崎市藤子・F・不二雄ミュージアム,2,1700" in text
    assert f"2017/12/31 18:02:37,川崎市藤子・F・不二雄ミュージアム,MY123456,1000,{MUSEUM}," \
           "2017123100001" in text
    assert text.rstrip().endswith("以上")


BAD_PERIODS = ["from=2017-12-31&to=2017-12-01", "from=2017/12/01&to=2017-12-31", "to=2017-12-31",
               "from=2016-01-01&to=2017-12-31", "from=2017-1-1&to=2017-12-31"]


def test_report_period_errors(world, signed_client):
    for query in BAD_PERIODS:
        resp = signed_client(MUSEUM).get(f"/api/v1/reports/place?{query}")
        assert resp.status_code == 422 and problem(resp)["code"] == "report_period_invalid", query


def test_a_shopping_cards_token_merges_but_spends_nothing(world, grant_via_api, signed_client):
    """GIVEN the token of a shopping street's card number (画面37: printed on the card, anyone
    can read it) WHEN the street's terminal spends or looks up a service ID with it THEN 403
    my_number_card_required and nothing changes; a merge with it is made."""
    grant_via_api(1000)
    street = signed_client(STREET)
    read = street.post("/api/v1/cards/read-shopping", {"customer_id": "123456789"})
    assert read.status_code == 200, read.get_json()
    token = read.get_json()["card_token"]
    body = {"card_token": token, "point_id": f"{world.point_id:08d}", "amount": 300}
    before = world.ledger_counts()
    for path, payload in (("/api/v1/spend", body),
                          ("/api/v1/service-ids/lookup", {"card_token": token})):
        refused = street.post(path, payload)
        assert refused.status_code == 403, (path, refused.get_json())
        assert problem(refused)["code"] == "my_number_card_required"
        assert "マイナンバーカード" in problem(refused)["detail"]
    assert world.ledger_counts() == before
    merged = street.post("/api/v1/merges", body)
    assert merged.status_code == 201 and merged.get_json()["balance_after"] == 700


def test_a_terminal_renamed_like_its_neighbour_reports_only_its_own_uses(
        world, grant_via_api, signed_client):
    """GIVEN the museum's uses and the street's terminal renamed to the museum's place (a
    terminal sets its own place, 画面10) WHEN the street asks for 画面87 THEN it sees none of
    the museum's customers: the report is the calling terminal's own transactions."""
    from sqlalchemy import update

    from cloud_api.db import unit_of_work
    from cloud_api.models.accounts import Terminal

    grant_via_api(5000)
    body = {"card_token": world.token(MUSEUM), "point_id": f"{world.point_id:08d}", "amount": 800}
    assert signed_client(MUSEUM).post("/api/v1/spend", body).status_code == 201
    with unit_of_work(world.sessions) as s:
        s.execute(update(Terminal).where(Terminal.terminal_id == STREET)
                  .values(place="川崎市藤子・F・不二雄ミュージアム"))
    q = "/api/v1/reports/place?from=2017-12-01&to=2017-12-31"
    street = signed_client(STREET).get(q).get_json()
    assert (street["place"], street["count"], street["rows"]) == (
        "川崎市藤子・F・不二雄ミュージアム", 0, [])
    assert signed_client(MUSEUM).get(q).get_json()["count"] == 1
