"""Which points a terminal may handle (usable_points): municipality, prefecture, event targets."""
from __future__ import annotations

from datetime import date

import pytest

from cloud_api.services.points import get_point, parse_point_id, usable_points
from cloud_api.services.terminals import TerminalContext, permissions_for

NOV = (date(2026, 11, 1), date(2026, 11, 30))


def ctx(terminal_id: str, category: str, municipality: str, business: str | None = None
        ) -> TerminalContext:
    return TerminalContext(terminal_id, category, False, municipality, business, "場所", "端末",
                           permissions_for(category, False))


@pytest.fixture
def tokushima(factory):  # type: ignore[no-untyped-def]
    factory.municipality("360007", "徳島県", "徳島県")
    factory.municipality("362018", "徳島市", "徳島県")
    factory.municipality("362026", "鳴門市", "徳島県")
    factory.municipality("141305", "川崎市", "神奈川県")
    factory.id_business("000009", "〇〇〇商店街", "362026", is_shopping_street=True,
                        street_name="〇〇〇商店街")
    factory.terminal("00020005", "A", municipality_code="362018", registered=False)
    return factory


def names(sessions, terminal: TerminalContext, on: date = date(2026, 11, 22)) -> list[str]:  # type: ignore[no-untyped-def]
    with sessions() as s:
        return [p.name for p in usable_points(s, terminal, on)]


def test_prefecture_point_is_usable_in_its_municipalities_only(tokushima, sessions) -> None:
    tokushima.point("360007", "徳島県ポイント")
    tokushima.point("362018", "徳島市ポイント")
    assert names(sessions, ctx("1", "I", "362018")) == ["徳島県ポイント", "徳島市ポイント"]
    assert names(sessions, ctx("2", "I", "362026")) == ["徳島県ポイント"]
    assert names(sessions, ctx("3", "I", "141305")) == []


TARGET_CASES = [
    ({"scope": "municipality", "municipality_code": "362018"}, ctx("00020005", "A", "362018"), True),
    ({"scope": "municipality", "municipality_code": "362018"}, ctx("9", "I", "362026"), False),
    ({"scope": "category", "municipality_code": "362026", "category": "I"},
     ctx("9", "I", "362026"), True),
    ({"scope": "category", "municipality_code": "362026", "category": "I"},
     ctx("9", "U", "362026"), False),
    ({"scope": "id_business", "id_business_id": "000009"},
     ctx("8", "A", "362026", "000009"), True),
    ({"scope": "id_business", "id_business_id": "000009"}, ctx("8", "A", "362026"), False),
    ({"scope": "terminal", "terminal_id": "00020005"}, ctx("00020005", "A", "362018"), True),
    ({"scope": "terminal", "terminal_id": "00020005"}, ctx("00020006", "A", "362018"), False)]


def test_event_is_usable_only_at_selected_terminals(tokushima, sessions, subtests) -> None:
    for n, (target, where, usable) in enumerate(TARGET_CASES):
        tokushima.point("360007", f"阿波踊り{n}", 10, kind="event", service=NOV, targets=[target])
        with subtests.test(target=target, terminal=where.terminal_id):
            assert (f"阿波踊り{n}" in names(sessions, where)) is usable


def test_event_is_usable_only_inside_its_service_period(tokushima, sessions) -> None:
    tokushima.point("360007", "阿波踊り", 10, kind="event", service=NOV,
                    targets=[{"scope": "municipality", "municipality_code": "362018"}])
    for day, usable in ((date(2026, 10, 31), False), (date(2026, 11, 1), True),
                        (date(2026, 11, 30), True), (date(2026, 12, 1), False)):
        got = names(sessions, ctx("00020005", "A", "362018"), day)
        assert got == (["阿波踊り"] if usable else []), day


def test_point_ids_are_eight_digits(tokushima, sessions) -> None:
    pid = tokushima.point("362018", "徳島市ポイント")
    with sessions() as s:
        assert get_point(s, pid).display_id == f"{pid:08d}"
    assert parse_point_id("00000001") == 1
    assert [parse_point_id(v) for v in ("1", "0000000a", "00000000", True, -1, None)] == [None] * 6
