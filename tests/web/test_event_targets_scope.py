"""GIVEN 豊島区's staff on 画面5-2 (terminals where an event can be used) WHEN a forged request
asks to list the terminals of a town outside their selection (川崎市) THEN 404 and none of
川崎市's terminals or their contacts appear; their own town's list still works."""
from __future__ import annotations

from typing import Any

from tests.web.conftest import csrf_of
from tests.web.seed import PASSWORD


def _event_form(client: Any) -> dict[str, str]:
    token = csrf_of(client.get("/console/login").get_data(as_text=True))
    assert client.post("/console/login", data={"login_id": "toshima", "password": PASSWORD,
                                                "csrf_token": token}).status_code == 302
    token = csrf_of(client.get("/console/events/new").get_data(as_text=True))
    return {"csrf_token": token, "point_name": "池袋ふくろう祭り", "validity_days": "10",
            "municipality_code": "131164", "municipality_name": "豊島区",
            "service_from": "2017/08/01", "service_to": "2017/08/30", "show_on_mypage": "1",
            "bank_account_type": ""}


def test_another_towns_terminals_cannot_be_listed(console: Any) -> None:
    client = console.app.test_client()
    form = _event_form(client)
    forged = client.post("/console/events/targets", data={**form, "op": "list:141305"})
    html = forged.get_data(as_text=True)
    assert forged.status_code == 404 and forged.mimetype == "text/html"
    for kawasaki in ("00010005", "00010013", "t00010011@example.com", "高津図書館"):
        assert kawasaki not in html
    own = client.post("/console/events/targets", data={**form, "op": "list:131164"})
    assert own.status_code == 200 and "00010005" not in own.get_data(as_text=True)


def test_a_forged_municipality_code_at_registration_shows_no_other_towns(console: Any) -> None:
    """GIVEN 豊島区's staff WHEN the registration step is posted with 徳島県's code THEN the event
    form comes back with its error, and no town or ID business of 徳島県 is listed."""
    client = console.app.test_client()
    form = _event_form(client)
    forged = client.post("/console/events/register", data={**form, "municipality_code": "360007"})
    html = forged.get_data(as_text=True)
    assert forged.status_code == 422
    assert "徳島市" not in html and "徳島市立図書館" not in html
