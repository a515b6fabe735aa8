"""GIVEN partner transfers made by the ledger WHEN 画面81-84 report them THEN the figures, the
CSV and the Excel workbook equal an independent recomputation, and each login sees only its own
scope."""
from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from cloud_api.db import unit_of_work
from tests.web.conftest import csrf_of, login
from tests.web.seed import PASSWORD
from tests.web.transfer_data import Made, add_partner_login, generate

FIRST, LAST = date(2017, 8, 1), date(2017, 8, 31)
PERIOD = "from=2017/08/01&to=2017/08/31"


@pytest.fixture
def made(console) -> list[Made]:  # type: ignore[no-untyped-def]
    with unit_of_work(console.app.extensions["mykey"].sessions) as session:
        return generate(session, [console.data.kawasaki_point, console.data.toshima_point])


def _client(console, login_id: str):  # type: ignore[no-untyped-def]
    client = console.app.test_client()
    token = csrf_of(client.get("/console/login").get_data(as_text=True))
    assert client.post("/console/login", data={"login_id": login_id, "password": PASSWORD,
                                               "csrf_token": token}).status_code == 302
    return client


def _in_period(m: Made) -> bool:
    return FIRST <= m.executed_at.date() <= LAST


def _csv(client, qs: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    response = client.get(f"/console/reports/transfers.csv?{qs}")
    assert response.status_code == 200
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_partner_csv_holds_its_own_transfers_only(console, made) -> None:  # type: ignore[no-untyped-def]
    mine = sorted((m for m in made if m.partner == "JAL" and _in_period(m)),
                  key=lambda m: m.executed_at)
    assert mine and len(mine) < len(made)
    rows = _csv(_client(console, "jal"), PERIOD + "&point_id=99")   # point_id is ignored
    assert rows[1] == ["応援ポイント会社: JAL"] and rows[3] == ["移行件数", "移行ポイント数合計"]
    assert rows[4] == [str(len(mine)), str(sum(m.amount for m in mine))]
    detail = rows[rows.index(["移行日時", "マイキーID", "移行ポイント数", "移行先"]) + 1:]
    assert detail == [[f"{m.executed_at:%Y/%m/%d %H:%M:%S}", m.mykey_id, str(m.amount),
                       m.destination] for m in mine]


def test_municipality_sees_transfers_into_its_point_from_every_partner(console, made) -> None:  # type: ignore[no-untyped-def]
    pid = console.data.kawasaki_point
    into = [m for m in made if m.point_id == pid and _in_period(m)]
    assert {m.partner for m in into} == {"JAL", "ANA"}
    client = _client(console, "kawasaki")
    page = client.get(f"/console/reports/transfers?show=1&{PERIOD}&point_id={pid}")
    html = page.get_data(as_text=True)
    assert f'id="transfer-count">{len(into):,}<' in html
    assert f'id="transfer-points">{sum(m.amount for m in into):,}<' in html
    rows = _csv(client, f"{PERIOD}&point_id={pid}")
    assert rows[1:3] == [["自治体名: 川崎市"], ["自治体ポイント名: 川崎市ポイント"]]
    header = rows.index(["移行日時", "マイキーID", "移行ポイント数"])
    assert len(rows) - header - 1 == len(into)
    assert sum(int(r[2]) for r in rows[header + 1:]) == sum(m.amount for m in into)


def test_another_municipalitys_point_is_refused(console, made) -> None:  # type: ignore[no-untyped-def]
    client = _client(console, "toshima")
    qs = f"{PERIOD}&point_id={console.data.kawasaki_point}"
    page = client.get(f"/console/reports/transfers?show=1&{qs}")
    assert page.status_code == 422 and "ポイントを選択" in page.get_data(as_text=True)
    assert client.get(f"/console/reports/transfers.csv?{qs}").status_code == 404


def test_a_bad_period_shows_an_error_and_no_figures(console, made) -> None:  # type: ignore[no-untyped-def]
    page = _client(console, "jal").get("/console/reports/transfers?show=1&from=2017/08/31&to=2017/08/01")
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "開始日以降" in html and 'id="summary"' not in html


def test_shops_may_not_open_the_transfer_report(console) -> None:  # type: ignore[no-untyped-def]
    client = _client(console, "00010012")
    assert client.get(f"/console/reports/transfers.csv?{PERIOD}").status_code in (302, 403)


# --- 参考82/84 as Excel, downloaded in Chromium ---------------------------------------------

def _browser_data(live) -> list[Made]:  # type: ignore[no-untyped-def]
    with unit_of_work(live.app.extensions["mykey"].sessions) as session:
        add_partner_login(session, "ana", "ANA")
        return generate(session, [live.data.kawasaki_point, live.data.toshima_point])


def _download_xlsx(page, point_id: int | None = None, tamper: str = "") -> Workbook:  # type: ignore[no-untyped-def]
    page.goto("/console/reports/transfers")
    page.fill("#f-from", "2017/08/01")
    page.fill("#f-to", "2017/08/31")
    if point_id is not None:
        page.select_option("#f-point_id", str(point_id))
    page.click("#aggregate")
    if tamper:
        page.eval_on_selector("#download-xlsx", "(a, extra) => { a.href += extra; }", tamper)
    with page.expect_download() as info:
        page.click("#download-xlsx")
    assert info.value.suggested_filename == "応援ポイント移行集計_20170801-20170831.xlsx"
    return openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))


def _lines(sheet) -> list[list[object]]:  # type: ignore[no-untyped-def]
    """The sheet's non-empty rows without trailing empty cells."""
    out = []
    for row in sheet.iter_rows(values_only=True):
        cells = list(row)
        while cells and cells[-1] is None:
            cells.pop()
        if cells:
            out.append(cells)
    return out


def _expected_book(title: list[str], header: list[str], rows: list[list[object]]) -> tuple:  # type: ignore[type-arg]
    period = "2017/08/01 ~ 2017/08/31"
    summary = [*[[t] for t in title], [f"集計期間: {period}"], ["移行件数", "移行ポイント数合計"],
               [len(rows), sum(int(r[2]) for r in rows)]]   # type: ignore[call-overload]
    detail = [*[[t] for t in title], [f"ポイント移行期間: {period}"], header, *rows]
    return summary, detail


@pytest.mark.browser
def test_partner_excel_holds_its_own_transfers_only(page, live) -> None:  # type: ignore[no-untyped-def]
    """GIVEN JAL and ANA transfers WHEN JAL downloads 参考82 as Excel (even with a tampered
    partner_id in the link) THEN both sheets equal the recount of JAL's own transfers."""
    made = _browser_data(live)
    mine = sorted((m for m in made if m.partner == "JAL" and _in_period(m)), key=lambda m: m.executed_at)
    login(page, "jal")
    book = _download_xlsx(page, tamper="&partner_id=2&partner=ANA")
    assert book.sheetnames == ["集計表", "明細表"]
    summary, detail = _expected_book(
        ["応援ポイント会社: JAL"], ["移行日時", "マイキーID", "移行ポイント数", "移行先"],
        [[f"{m.executed_at:%Y/%m/%d %H:%M:%S}", m.mykey_id, m.amount, m.destination] for m in mine])
    assert _lines(book["集計表"]) == summary
    assert _lines(book["明細表"]) == detail


@pytest.mark.browser
def test_second_partner_downloads_only_its_rows(page, live) -> None:  # type: ignore[no-untyped-def]
    made = _browser_data(live)
    theirs = [m for m in made if m.partner == "ANA" and _in_period(m)]
    login(page, "ana")
    rows = _lines(_download_xlsx(page)["明細表"])[3:]
    assert len(rows) == len(theirs) > 0
    assert sorted(r[2] for r in rows) == sorted(m.amount for m in theirs)   # JAL's amounts are 200x


@pytest.mark.browser
def test_municipal_excel_equals_the_recount(page, live) -> None:  # type: ignore[no-untyped-def]
    """GIVEN transfers into 川崎市ポイント from JAL and ANA WHEN 川崎市 downloads 参考84 as Excel
    THEN the 集計表 and 明細表 equal the recount of the transfers into its point."""
    made = _browser_data(live)
    pid = live.data.kawasaki_point
    into = sorted((m for m in made if m.point_id == pid and _in_period(m)), key=lambda m: m.executed_at)
    login(page, "kawasaki")
    book = _download_xlsx(page, point_id=pid)
    summary, detail = _expected_book(
        ["自治体名: 川崎市", "自治体ポイント名: 川崎市ポイント"], ["移行日時", "マイキーID", "移行ポイント数"],
        [[f"{m.executed_at:%Y/%m/%d %H:%M:%S}", m.mykey_id, m.amount] for m in into])
    assert _lines(book["集計表"]) == summary
    assert _lines(book["明細表"]) == detail
