"""GIVEN ledger activity made by LEDGER's services WHEN the console reports it THEN the totals,
the chart data and the downloads equal an independent plain-Python recomputation."""
from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from datetime import date

import openpyxl
import pytest

from cloud_api.db import unit_of_work
from cloud_api.services.reports import place_report
from cloud_api.services.reports.reader import read_connection
from tests.web.conftest import csrf_of
from tests.web.ledger_data import generate
from tests.web.seed import PASSWORD

FIRST, LAST = date(2017, 8, 1), date(2017, 8, 31)
SHOPS = ["00010011", "00010012", "00010005"]


@pytest.fixture
def activity(console):  # type: ignore[no-untyped-def]
    cloud = console.app.extensions["mykey"]
    with unit_of_work(cloud.sessions) as session:
        from sqlalchemy import update

        from cloud_api.models.accounts import Terminal
        session.execute(update(Terminal).where(Terminal.terminal_id == "00010005").values(also_point_use=True))
        return generate(session, [console.data.kawasaki_point], SHOPS, "00010013", uses=120)


def _expected(activity, point_id: int, place: str | None = None):  # type: ignore[no-untyped-def]
    counts, sums = Counter(), Counter()
    for day, p, pid, amount, _kind in activity.uses:
        if pid == point_id and FIRST <= day <= LAST and (place is None or p == place):
            counts[p] += 1
            sums[p] += amount
    return counts, sums


def test_summary_and_daily_equal_a_plain_sum(console, activity) -> None:  # type: ignore[no-untyped-def]
    pid = console.data.kawasaki_point
    counts, sums = _expected(activity, pid)
    q = place_report.PlaceQuery((pid,), FIRST, LAST)
    with read_connection(console.app.extensions["mykey"].engine) as conn:
        summary = place_report.summary(conn, q)
        daily = place_report.daily(conn, q)
        detail = list(place_report.detail(conn, q))
    assert {r.place: (r.count, r.points) for r in summary.rows} == {p: (counts[p], sums[p]) for p in counts}
    assert summary.points == sum(sums.values()) and summary.count == sum(counts.values())
    by_day: dict[tuple[date, str], int] = defaultdict(int)
    for day, p, p_id, amount, _ in activity.uses:
        if p_id == pid and FIRST <= day <= LAST:
            by_day[(day, p)] += amount
    assert {(d, p): v for d, p, v in daily} == dict(by_day)
    assert len(detail) == summary.count and sum(r.amount for r in detail) == summary.points
    assert [r.executed_at for r in detail] == sorted(r.executed_at for r in detail)
    assert len(activity.uses) > summary.count > 0   # July/September activity is left out


def _login(client, login_id: str) -> None:  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/console/login").get_data(as_text=True))
    assert client.post("/console/login", data={"login_id": login_id, "password": PASSWORD,
                                               "csrf_token": token}).status_code == 302


def test_csv_and_excel_downloads_hold_every_row(console, activity) -> None:  # type: ignore[no-untyped-def]
    pid = console.data.kawasaki_point
    counts, sums = _expected(activity, pid)
    client = console.app.test_client()
    _login(client, "kawasaki")
    qs = f"from=2017/08/01&to=2017/08/31&point_id={pid}"
    raw = client.get(f"/console/reports/place.csv?{qs}").get_data()
    assert raw.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header = lines.index(["取引日時", "端末設置場所", "マイキーID", "利用ポイント数", "取引済番号"])
    rows = lines[header + 1:]
    assert len(rows) == sum(counts.values()) and sum(int(r[3]) for r in rows) == sum(sums.values())
    assert ["合計", str(sum(counts.values())), str(sum(sums.values()))] in lines[:header]
    xlsx = client.get(f"/console/reports/place.xlsx?{qs}").get_data()
    book = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True)
    assert book.sheetnames == ["集計表", "明細表"]
    detail = [r for r in book["明細表"].iter_rows(values_only=True) if len(r) >= 4 and isinstance(r[3], int)]
    assert len(detail) == sum(counts.values()) and sum(r[3] for r in detail) == sum(sums.values())


def test_shop_download_contains_only_its_place(console, activity) -> None:  # type: ignore[no-untyped-def]
    pid = console.data.kawasaki_point
    counts, sums = _expected(activity, pid, "岡本太郎美術館")
    client = console.app.test_client()
    _login(client, "00010012")
    raw = client.get(f"/console/reports/place.csv?from=2017/08/01&to=2017/08/31&point_id={pid}"
                     "&place=高津図書館").get_data().decode("utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(raw)) if len(r) == 5 and r[4].isdigit()]
    assert {r[1] for r in rows} == {"岡本太郎美術館"}
    assert len(rows) == counts["岡本太郎美術館"] and sum(int(r[3]) for r in rows) == sums["岡本太郎美術館"]


def test_another_municipality_cannot_download_kawasakis_point(console, activity) -> None:  # type: ignore[no-untyped-def]
    client = console.app.test_client()
    _login(client, "toshima")
    r = client.get(f"/console/reports/place.csv?from=2017/08/01&to=2017/08/31"
                   f"&point_id={console.data.kawasaki_point}")
    assert r.status_code == 404


def test_csv_quotes_places_and_defuses_formulas(console) -> None:  # type: ignore[no-untyped-def]
    cloud = console.app.extensions["mykey"]
    evil = '=HYPERLINK("http://example.com","店, 1")'
    with unit_of_work(cloud.sessions) as session:
        from sqlalchemy import update

        from cloud_api.models.accounts import Terminal
        session.execute(update(Terminal).where(Terminal.terminal_id == "00010012").values(place=evil))
        generate(session, [console.data.kawasaki_point], ["00010012"], "00010013", uses=5)
    client = console.app.test_client()
    _login(client, "kawasaki")
    raw = client.get(f"/console/reports/place.csv?from=2017/07/01&to=2017/09/30"
                     f"&point_id={console.data.kawasaki_point}").get_data().decode("utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(raw)) if len(r) == 5 and r[4].isdigit()]
    assert len(rows) == 5 and {r[1] for r in rows} == {"'" + evil}


def test_a_point_id_of_odd_digits_is_an_unknown_point_not_an_error(console) -> None:  # type: ignore[no-untyped-def]
    """'¹' passes str.isdigit but not int(); 5,000 digits pass neither int()'s limit nor a
    column's range: each is just no point of this municipality (404), never a 500."""
    client = console.app.test_client()
    _login(client, "kawasaki")
    for point_id in ("¹", "９", "1" * 5000):
        r = client.get(f"/console/reports/place.csv?from=2017/08/01&to=2017/08/31"
                       f"&point_id={point_id}")
        assert r.status_code == 404, point_id


def test_a_shop_that_takes_a_neighbours_place_name_still_sees_only_its_own_terminal(
        console, activity) -> None:  # type: ignore[no-untyped-def]
    """GIVEN 岡本太郎美術館's terminal renamed to the museum's place (a terminal sets its own
    place on 画面10) WHEN it downloads its settlement CSV THEN none of the museum's transactions
    (their MyKey IDs) are in it: a shop's report is its own terminal's."""
    from sqlalchemy import update

    from cloud_api.models.accounts import Terminal

    museum = "川崎市藤子・F・不二雄ミュージアム"
    with unit_of_work(console.app.extensions["mykey"].sessions) as s:
        s.execute(update(Terminal).where(Terminal.terminal_id == "00010012").values(place=museum))
    client = console.app.test_client()
    _login(client, "00010012")
    raw = client.get(f"/console/reports/place.csv?from=2017/08/01&to=2017/08/31"
                     f"&point_id={console.data.kawasaki_point}").get_data().decode("utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(raw)) if len(r) == 5 and r[4].isdigit()]
    assert _expected(activity, console.data.kawasaki_point, museum)[0][museum] > 0
    assert rows == []


def test_odd_input_is_refused_at_the_boundary_and_old_data_cannot_break_the_workbook(
        console, activity) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a place name with a control character stored before such names were refused, and
    a report period ending 9999/12/31 WHEN the municipality downloads its Excel settlement
    report THEN the workbook is made (the character dropped) and the far date is a Japanese
    field error, never a 500; a terminal can no longer set such a place (422)."""
    from sqlalchemy import update

    from cloud_api.models.ledger import JournalTxn
    from cloud_api.services.validation import check_text

    with unit_of_work(console.app.extensions["mykey"].sessions) as s:
        s.execute(update(JournalTxn).where(JournalTxn.place == "岡本太郎美術館")
                  .values(place="岡本太郎美術館\x01"))
    client = console.app.test_client()
    _login(client, "kawasaki")
    pid = console.data.kawasaki_point
    book = client.get(f"/console/reports/place.xlsx?from=2017/08/01&to=2017/08/31&point_id={pid}")
    assert book.status_code == 200 and book.data[:2] == b"PK"
    far = client.get(f"/console/reports/place?show=1&from=2017/08/01&to=9999/12/31&point_id={pid}")
    assert far.status_code == 422 and "YYYY/MM/DD" in far.get_data(as_text=True)
    huge = client.get("/console/points/99999999999999999999999/history")
    assert huge.status_code == 404
    assert check_text({"place": "ミュージアム\x01"}, "place", 50) is not None
    assert check_text({"place": "川崎　市民ミュージアム"}, "place", 50) is None   # 全角空白 is fine


def test_a_refund_is_subtracted_from_the_report_and_listed_with_minus_points(console, activity) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a spend taken back (goods returned) WHEN the console reports the period THEN the
    place's points are the uses less the refund and the 明細 lists the refund as minus points."""
    from sqlalchemy import select

    from cloud_api.models.ledger import JournalTxn
    from cloud_api.services.ledger.corrections import reverse_spend

    cloud = console.app.extensions["mykey"]
    pid = console.data.kawasaki_point
    q = place_report.PlaceQuery((pid,), FIRST, LAST)
    with read_connection(cloud.engine) as conn:
        before = place_report.summary(conn, q)
    with unit_of_work(cloud.sessions) as session:
        spend = session.execute(select(JournalTxn).where(
            JournalTxn.kind == "spend", JournalTxn.point_id == pid,
            JournalTxn.business_date.between(FIRST, LAST)).order_by(JournalTxn.id)).scalars().first()
        assert spend is not None
        place, amount = spend.place, spend.amount
        cloud.clock.set(spend.executed_at)
        refund = reverse_spend(session, clock=cloud.clock, scope=spend.scope, txn_no=spend.txn_no,
                               reason="返品")
    with read_connection(cloud.engine) as conn:
        after = place_report.summary(conn, q)
        detail = list(place_report.detail(conn, q))
    assert after.points == before.points - amount
    rows = {r.place: r for r in after.rows}
    assert rows[place].points == {r.place: r for r in before.rows}[place].points - amount
    assert [(r.amount, r.place) for r in detail if r.txn_no == refund.txn_no] == [(-amount, place)]
    assert sum(r.amount for r in detail) == after.points
