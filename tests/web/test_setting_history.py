"""GIVEN saved point/event settings WHEN they are edited THEN every version is kept (変更履歴)
and bad forms are rejected without writing anything."""
from __future__ import annotations

from sqlalchemy import func, select

from cloud_api.db import unit_of_work
from cloud_api.models.accounts import EventTarget, Point
from cloud_api.models.console import PointSettingVersion
from cloud_api.services.console import point_setup, targets
from cloud_api.services.console.setting_forms import read_event_form
from tests.web.seed import NOW

EVENT = {"point_name": "阿波踊りにぎわいプロジェクト", "validity_days": "10", "service_from": "2017/08/01",
         "service_to": "2017/08/30", "show_on_mypage": "0", "municipality_name": "徳島県",
         "municipality_code": "360007", "bank_account_type": ""}


def test_event_edit_keeps_previous_versions_and_replaces_targets(console) -> None:  # type: ignore[no-untyped-def]
    sessions = console.app.extensions["mykey"].sessions
    with unit_of_work(sessions) as s:
        first = targets.parse_keys(s, ["municipality:362018", "terminal:00030006"], "360007")
        point = point_setup.save_event(s, read_event_form(EVENT, "360007"), first, "tokushima", NOW)
        point_id = point.id
    with unit_of_work(sessions) as s:
        form = read_event_form({**EVENT, "validity_days": "14", "service_to": "2017/09/10"}, "360007")
        again = targets.parse_keys(s, ["category:360007:I"], "360007")
        point_setup.save_event(s, form, again, "tokushima", NOW, point_setup.own_event(s, "360007", point_id))
    with unit_of_work(sessions) as s:
        versions = point_setup.history(s, point_id)
        assert [v.version for v in versions] == [2, 1]
        assert versions[0].values["validity_days"] == "14" and versions[1].values["validity_days"] == "10"
        assert versions[1].values["targets"] == ["municipality:362018", "terminal:00030006"]
        rows = s.scalars(select(EventTarget).where(EventTarget.point_id == point_id)).all()
        assert [(r.scope, r.category) for r in rows] == [("category", "I")]
        assert s.get(Point, point_id).validity_days == 14


def test_targets_outside_the_municipality_are_dropped(console) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(console.app.extensions["mykey"].sessions) as s:
        keys = ["municipality:131164", "terminal:00010011", "id_business:000001", "category:141305:Z",
                "municipality:141305"]
        assert [t.key for t in targets.parse_keys(s, keys, "141305")] == [
            "terminal:00010011", "id_business:000001", "municipality:141305"]
        assert targets.parse_keys(s, keys, "131164") == [targets.Target("municipality", "131164")]


def test_bad_event_form_writes_nothing(console) -> None:  # type: ignore[no-untyped-def]
    form = read_event_form({**EVENT, "point_name": "x" * 51, "service_to": "2017/07/01",
                            "municipality_code": "360008"}, "360007")
    assert {e.field for e in form.errors} == {"point_name", "service_to", "municipality_code"}
    with unit_of_work(console.app.extensions["mykey"].sessions) as s:
        assert s.scalar(select(func.count()).select_from(PointSettingVersion)) == 0


def test_account_type_codes_are_the_ones_the_accounts_table_accepts() -> None:
    from cloud_api.models.accounts import ACCOUNT_TYPES as MODEL_CODES
    from cloud_api.services.console.fields import ACCOUNT_TYPES

    assert set(ACCOUNT_TYPES) - {""} == set(MODEL_CODES)
