"""Benchmark: importing a partner's conversion batch (import-partner-transfers) for many lots.

Each row credited to a municipal point becomes a new lot of the holder's account, so a batch
where one holder has N rows into a point ends with N lots on one account. The import must stay
linear: the time per row with every row for ONE holder should match the time per row with each
row for a DIFFERENT holder. Times the import (read the CSV, check and apply every row, commit)
for each size and both shapes, rows alternating between the point and the 留保ポイント.
Usage:
  python bench/partner_import.py --url sqlite:///partner.db --rows 1000 2000 4000
  python bench/partner_import.py --url postgresql+psycopg://postgres@127.0.0.1:54343/postgres
"""
from __future__ import annotations

import argparse
import csv
import os
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

import cloud_api.models  # noqa: F401  (every table)
from cloud_api.clock import JST, FixedClock
from cloud_api.db import Base, make_engine, make_session_factory, unit_of_work
from cloud_api.models.accounts import Holder, Municipality, MykeyIdRegistry, Point
from cloud_api.models.partners import Partner
from cloud_api.services.partner_import import import_transfers, read_rows

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=JST)


def fill(engine: Engine, holders: int) -> int:
    """Fresh tables with 川崎市ポイント, the partner JAL and `holders` holders; the point id."""
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with unit_of_work(make_session_factory(engine)) as s:
        s.add(Municipality(code="141305", name="川崎市", prefecture="神奈川県"))
        point = Point(kind="municipal", municipality_code="141305", name="川崎市ポイント",
                      validity_days=60, show_on_mypage=True)
        s.add_all([point, Partner(name="JAL", partner_points=200, support_points=1000, unit="マイル")])
        s.add_all(MykeyIdRegistry(mykey_id=_mykey(i), assigned_at=NOW) for i in range(holders))
        s.flush()
        s.add_all(Holder(mykey_id=_mykey(i), state="active", mypage_password_hash="x", created_at=NOW)
                  for i in range(holders))
        return point.id


def _mykey(i: int) -> str:
    return f"BP{i:06d}"


def write_batch(path: Path, rows: int, holders: int, point_id: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        w = csv.writer(out)
        w.writerow(["partner_ref", "executed_at", "mykey_id", "amount", "destination"])
        for n in range(rows):
            at = NOW - timedelta(hours=1, seconds=rows - n)
            w.writerow([f"B-{n}", f"{at:%Y/%m/%d %H:%M:%S}", _mykey(n % holders), "200",
                        f"{point_id:08d}" if n % 2 == 0 else "留保"])


def timed_import(engine: Engine, rows: int, holders: int) -> float:
    point_id = fill(engine, holders)
    fd, name = tempfile.mkstemp(suffix=".csv")
    os.close(fd)
    try:
        write_batch(Path(name), rows, holders, point_id)
        t0 = time.perf_counter()
        with unit_of_work(make_session_factory(engine)) as s:
            partner = s.query(Partner).filter_by(name="JAL").one()
            result = import_transfers(s, FixedClock(NOW), partner, read_rows(Path(name)))
        elapsed = time.perf_counter() - t0
    finally:
        os.unlink(name)
    assert result.applied == rows
    return elapsed


def run(url: str, sizes: list[int]) -> None:
    engine = make_engine(url)
    print(f"{engine.dialect.name}: import-partner-transfers, rows alternate point / 留保")
    for n in sizes:
        one = timed_import(engine, n, 1)
        spread = timed_import(engine, n, n)
        print(f"  {n:>6,} rows  one holder ({n // 2:,} lots) {one:6.2f} s  ({one / n * 1e3:.2f} ms/row)"
              f"   {n:,} holders {spread:6.2f} s  ({spread / n * 1e3:.2f} ms/row)   ratio {one / spread:.2f}")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 2000, 4000])
    args = parser.parse_args()
    run(args.url, args.rows)


if __name__ == "__main__":
    main()
