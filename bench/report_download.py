"""Benchmark: the monthly 自治体ポイント集計 and its detail download over many transactions.

Fills journal_txns with N spends of one month (bulk INSERT … SELECT inside the database, not
through the API), then times, on the same rows:
  - baseline A: the database's bare GROUP BY place (count, sum)      vs  the report summary
  - baseline B: a bare fetch of every detail row (ORDER BY time)     vs  the streamed CSV download
    (B through SQLAlchemy rows, B0 the same SELECT on the driver's own cursor, fetchmany)
  - the Excel download (write-only workbook to a temp file, streamed)   (--excel)
with the peak Python memory (tracemalloc, a separate run) of each download; times are the best
of three runs. Usage:
  python bench/report_download.py --url sqlite:///bench.db --rows 100000 1000000
  python bench/report_download.py --url postgresql+psycopg://postgres@127.0.0.1:54343/postgres
"""
from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable, Iterable
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.engine import Engine

import cloud_api.models  # noqa: F401  (every table)
from cloud_api.db import Base, make_engine
from cloud_api.models.ledger import JournalTxn
from cloud_api.services.reports import export, place_report
from cloud_api.services.reports.reader import driver_batches, read_connection

PLACES = 300
FIRST, LAST = date(2017, 8, 1), date(2017, 8, 31)
MONTH_S = 31 * 86400


def fill(engine: Engine, rows: int) -> None:
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":   # index pages of 1M rows stay in memory while filling
            conn.execute(text("PRAGMA cache_size=-400000"))
        conn.execute(text("INSERT INTO municipalities (code, name, prefecture) VALUES ('141305', '川崎市', '神奈川県')"))
        conn.execute(text("INSERT INTO points (id, kind, municipality_code, name, validity_days, show_on_mypage)"
                          " VALUES (1, 'municipal', '141305', '川崎市ポイント', 60, true)"))
        conn.execute(text(_insert_sql(engine)), {"n": rows, "places": PLACES, "month": MONTH_S})
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE journal_txns"))


def _insert_sql(engine: Engine) -> str:
    cols = ("scope, txn_no, kind, executed_at, business_date, point_id, amount, mykey_id, terminal_id,"
            " place, municipality_code, reason")
    if engine.dialect.name == "postgresql":
        return (f"INSERT INTO journal_txns ({cols}) SELECT lpad((x % :places)::text, 8, '0'),"
                " '2017' || lpad(x::text, 9, '0'), 'spend', ts, (ts AT TIME ZONE 'Asia/Tokyo')::date, 1,"
                " 1 + x % 3000, 'MY' || lpad((x % 999999)::text, 6, '0'), lpad((x % :places)::text, 8, '0'),"
                " '設置場所' || (x % :places), '141305', '' FROM (SELECT x, timestamptz '2017-08-01 00:00:00+09'"
                " + ((x::bigint * :month) / :n) * interval '1 second' AS ts FROM generate_series(1, :n) x) s")
    return (f"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < :n) "
            f"INSERT INTO journal_txns ({cols}) SELECT printf('%08d', x % :places), printf('2017%09d', x),"
            " 'spend', ts, date(ts), 1, 1 + x % 3000, printf('MY%06d', x % 999999), printf('%08d', x % :places),"
            " '設置場所' || (x % :places), '141305', '' FROM (SELECT x, datetime('2017-08-01 00:00:00',"
            " '+' || ((x * :month) / :n) || ' seconds') || '.000000' AS ts FROM c)")


def timed(label: str, fn: Callable[[], object], memory: bool = False, repeat: int = 3) -> float:
    """Best wall time of `repeat` runs (the machine is shared); with `memory`, one traced run."""
    if memory:
        tracemalloc.start()
        result = fn()
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        print(f"  {label:<42} peak Python memory {peak:.1f} MB  ({result})")
        return peak
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    print(f"  {label:<42} {best:8.2f} s  ({result})")
    return best


def bare_group_by(engine: Engine) -> int:
    with read_connection(engine) as conn:
        return len(conn.execute(text(
            "SELECT place, count(*), sum(amount) FROM journal_txns WHERE kind IN ('spend', 'voucher_redeem')"
            " AND point_id = 1 AND business_date BETWEEN :a AND :b GROUP BY place"), {"a": FIRST, "b": LAST}).all())


def bare_detail(engine: Engine) -> int:
    n = 0
    with read_connection(engine) as conn:
        result = conn.execution_options(yield_per=5000).execute(text(
            "SELECT executed_at, place, mykey_id, amount, txn_no FROM journal_txns WHERE kind IN"
            " ('spend', 'voucher_redeem') AND point_id = 1 AND business_date BETWEEN :a AND :b"
            " ORDER BY executed_at, id"), {"a": FIRST, "b": LAST})
        for _ in result:
            n += 1
    return n


def bare_detail_driver(engine: Engine) -> int:
    """Baseline B0: the same bare SELECT, fetched as the driver's tuples (no Row objects)."""
    t = JournalTxn
    stmt = (select(t.executed_at, t.place, t.mykey_id, t.amount, t.txn_no)
            .where(t.kind.in_(("spend", "voucher_redeem")), t.point_id == 1,
                   t.business_date.between(FIRST, LAST)).order_by(t.executed_at, t.id))
    with read_connection(engine) as conn:
        return sum(len(batch) for batch in driver_batches(conn, stmt, 5000))


def report_summary(engine: Engine) -> int:
    with read_connection(engine) as conn:
        return len(place_report.summary(conn, place_report.PlaceQuery((1,), FIRST, LAST)).rows)


def download(engine: Engine, kind: str) -> str:
    q = place_report.PlaceQuery((1,), FIRST, LAST)
    title = export.ReportTitle("2017/08/01 ~ 2017/08/31", "川崎市", "川崎市ポイント")
    with read_connection(engine) as conn:
        layout = export.place_layout(title, place_report.summary(conn, q))
        chunks: Iterable[bytes] = (
            export.csv_chunks(layout, place_report.csv_line_batches(conn, q)) if kind == "csv"
            else export.excel_blocks(layout, place_report.detail_batches(conn, q)))
        size = sum(len(c) for c in chunks)
    return f"{size / 1e6:.1f} MB"


def run(url: str, sizes: list[int], excel_max: int) -> None:
    engine = make_engine(url)
    for n in sizes:
        t0 = time.perf_counter()
        fill(engine, n)
        print(f"{engine.dialect.name}, {n:,} rows (filled in {time.perf_counter() - t0:.1f} s)")
        a = timed("baseline A: bare GROUP BY", lambda: bare_group_by(engine))
        s = timed("report summary (GROUP BY via service)", lambda: report_summary(engine))
        b = timed("baseline B: bare detail fetch", lambda: bare_detail(engine))
        b0 = timed("baseline B0: bare fetch, driver cursor", lambda: bare_detail_driver(engine))
        c = timed("CSV download (streamed)", lambda: download(engine, "csv"))
        print(f"  ratios: summary/A = {s / a:.2f}, CSV/B = {c / b:.2f}, CSV/B0 = {c / b0:.2f},"
              f" CSV/(A+B0) = {c / (a + b0):.2f}  (the download runs both queries)")
        timed("CSV download, memory traced", lambda: download(engine, "csv"), memory=True)
        if n <= excel_max:
            timed("Excel download (write-only, temp file)", lambda: download(engine, "xlsx"), repeat=1)
            timed("Excel download, memory traced", lambda: download(engine, "xlsx"), memory=True)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--excel-max", type=int, default=100_000, help="largest size also timed as Excel")
    args = parser.parse_args()
    run(args.url, args.rows, args.excel_max)


if __name__ == "__main__":
    main()
