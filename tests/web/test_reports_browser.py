"""GIVEN ledger activity WHEN reports are opened in Chromium THEN totals, chart and boundaries hold."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from cloud_api.db import unit_of_work
from cloud_api.models.accounts import Terminal
from tests.web.conftest import login
from tests.web.ledger_data import generate
from tests.web.transfer_data import generate as generate_transfers

pytestmark = pytest.mark.browser


@pytest.fixture
def used(live):  # type: ignore[no-untyped-def]
    with unit_of_work(live.app.extensions["mykey"].sessions) as session:
        session.execute(update(Terminal).where(Terminal.terminal_id == "00010005").values(also_point_use=True))
        return generate(session, [live.data.kawasaki_point], ["00010011", "00010012", "00010005"],
                        "00010013", uses=40)


def _aggregate(page, first: str, last: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/console/reports/place")
    page.fill("#f-from", first)
    page.fill("#f-to", last)
    page.click("#aggregate")


def test_municipality_sees_every_place_total_and_chart(page, used, live) -> None:  # type: ignore[no-untyped-def]
    login(page, "kawasaki")
    _aggregate(page, "2017/08/01", "2017/08/31")
    expected = sum(a for d, _p, _pid, a, _k in used.uses if d.month == 8)
    assert page.inner_text("#total-points") == f"{expected:,}"
    places = {r.split("\t")[0] for r in page.locator("#summary tbody tr").all_inner_texts()}
    assert places <= {"川崎市藤子・F・不二雄ミュージアム", "岡本太郎美術館", "高津図書館"} and len(places) >= 2
    assert page.locator("#daily-chart polyline").count() == len(places)


def test_period_whose_end_precedes_its_start_is_refused(page, used) -> None:  # type: ignore[no-untyped-def]
    login(page, "kawasaki")
    _aggregate(page, "2017/08/31", "2017/08/01")
    assert "開始日以降" in page.inner_text("#err-period_to")
    assert page.locator("#summary").count() == 0


def test_shop_sees_only_its_own_place(page, used) -> None:  # type: ignore[no-untyped-def]
    login(page, "00010012")
    _aggregate(page, "2017/08/01", "2017/08/31")
    rows = page.locator("#summary tbody tr").all_inner_texts()
    assert len(rows) == 1 and rows[0].startswith("岡本太郎美術館")
    expected = sum(a for d, p, _pid, a, _k in used.uses if d.month == 8 and p == "岡本太郎美術館")
    assert page.inner_text("#total-points") == f"{expected:,}"
    page.goto(page.url + "&place=高津図書館")   # tampering with the query changes nothing
    assert page.locator("#summary tbody tr").all_inner_texts()[0].startswith("岡本太郎美術館")


def test_another_municipality_cannot_report_on_kawasakis_point(page, used, live) -> None:  # type: ignore[no-untyped-def]
    login(page, "toshima")
    page.goto(f"/console/reports/place?show=1&from=2017/08/01&to=2017/08/31"
              f"&point_id={live.data.kawasaki_point}")
    assert "ポイントを選択" in page.inner_text("#err-point_id")
    assert page.locator("#summary").count() == 0


def test_partner_transfer_report_shows_its_totals_and_downloads_the_csv(page, live) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(live.app.extensions["mykey"].sessions) as session:
        made = generate_transfers(session, [live.data.kawasaki_point])
    mine = [m for m in made if m.partner == "JAL" and m.executed_at.month == 8]
    login(page, "jal")
    page.goto("/console/reports/transfers")
    assert page.inner_text("#partner-name") == "JAL"
    page.fill("#f-from", "2017/08/01")
    page.fill("#f-to", "2017/08/31")
    page.click("#aggregate")
    assert page.inner_text("#transfer-count") == f"{len(mine):,}"
    assert page.inner_text("#transfer-points") == f"{sum(m.amount for m in mine):,}"
    with page.expect_download() as info:
        page.click("#download-csv")
    body = Path(info.value.path()).read_text(encoding="utf-8-sig")
    last = max(mine, key=lambda m: m.executed_at)
    assert body.count("\n") == len(mine) + 10   # 集計表 (6 lines) + 明細表 head (4) + rows
    assert body.rstrip().splitlines()[-1].startswith(f"{last.executed_at:%Y/%m/%d %H:%M:%S},{last.mykey_id}")


def test_shop_without_any_use_yet_gets_an_empty_report(page) -> None:  # type: ignore[no-untyped-def]
    login(page, "00010011")
    _aggregate(page, "2017/09/01", "2017/09/05")
    assert "該当する取引はありません" in page.inner_text("#summary")
    assert page.inner_text("#total-points") == "0"
