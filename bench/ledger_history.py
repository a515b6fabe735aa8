"""Benchmark: a point use (and a grant) for a holder with a long history, beside a new holder.

A holder who has used the card for years has many lots that expired (and were swept) and thousands
of lot consumptions. A point use must not get slower with that history: the debit reads the book
balance from the account's latest entry and only the lots still valid today, never the expired
ones (cloud_api/services/ledger/lots.py, ledger_debit). The script builds one holder with `--lots`
past grants of `--validity` days, each followed by `--uses-per-lot` uses and then the expiry
sweep, and one holder with a single grant; then it alternates point uses (and grants) of the two
through the same services the API calls, one transaction each, and prints the time per operation
of each and the ratio. History-independent means a ratio near 1. It also prints the time of the
sweep (run once per past grant, with one lot to expire) in the first and in the last fifth of the
history: the sweep reads only what expired since its mark, so that ratio too stays near 1.

Usage:
  python bench/ledger_history.py --url sqlite:///history.db
  python bench/ledger_history.py --url postgresql+psycopg://postgres@127.0.0.1:54343/postgres
  python bench/ledger_history.py --url … --lots 200 --uses-per-lot 20 --ops 400
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cloud_api.models  # noqa: F401  (every table)
from cloud_api.clock import JST, FixedClock
from cloud_api.db import Base, make_engine, make_session_factory, unit_of_work
from cloud_api.models.accounts import Holder, Municipality, MykeyIdRegistry, Point
from cloud_api.services.ledger.grant import grant
from cloud_api.services.ledger.spend import spend
from cloud_api.services.ledger.sweep import sweep
from cloud_api.services.ledger.verify import verify
from cloud_api.services.points import PointRef, get_point

START = datetime(2020, 4, 1, 10, 0, tzinfo=JST)
LONG, NEW = "BHLONG01", "BHNEW001"


@dataclass(frozen=True)
class Counter:
    """What a point use needs of a terminal (refs.TerminalLike)."""

    terminal_id: str = "90000001"
    place: str = "ベンチ店舗"
    municipality_code: str = "141305"


def build(url: str, lots: int, uses_per_lot: int, validity: int) -> tuple[
        sessionmaker[Session], PointRef, dict[str, int], datetime, list[float]]:
    """Fresh tables, the two holders and the long history; (sessions, point, holder ids, now,
    seconds of each sweep)."""
    engine = make_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    sessions = make_session_factory(engine)
    with unit_of_work(sessions) as s:
        s.add(Municipality(code="141305", name="川崎市", prefecture="神奈川県"))
        point = Point(kind="municipal", municipality_code="141305", name="川崎市ポイント",
                      validity_days=validity, show_on_mypage=True)
        s.add(point)
        s.add_all(MykeyIdRegistry(mykey_id=m, assigned_at=START) for m in (LONG, NEW))
        s.flush()
        holders = {m: Holder(mykey_id=m, state="active", mypage_password_hash="x", created_at=START)
                   for m in (LONG, NEW)}
        s.add_all(holders.values())
        s.flush()
        ids, point_id = {m: h.id for m, h in holders.items()}, point.id
    with unit_of_work(sessions) as s:
        ref = get_point(s, point_id)
    day, sweeps = START, []
    for _ in range(lots):   # a grant, some uses, then the lot expires and is swept
        clock = FixedClock(day)
        with unit_of_work(sessions) as s:
            grant(s, clock=clock, point=ref, holder_id=ids[LONG], amount=uses_per_lot * 10 + 5,
                  scope="SYSTEM", terminal_id=None)
        for _ in range(uses_per_lot):
            with unit_of_work(sessions) as s:
                spend(s, clock=clock, terminal=Counter(), point=ref, holder_id=ids[LONG],
                      mykey_id=LONG, amount=10)
        day += timedelta(days=validity)
        t0 = time.perf_counter()
        sweep(sessions, FixedClock(day))
        sweeps.append(time.perf_counter() - t0)
    now = day + timedelta(days=1)
    for mykey in (LONG, NEW):   # today's lot of each, large enough for every measured use
        with unit_of_work(sessions) as s:
            grant(s, clock=FixedClock(now), point=ref, holder_id=ids[mykey], amount=10**7,
                  scope="SYSTEM", terminal_id=None)
    return sessions, ref, ids, now, sweeps


def measure(sessions: sessionmaker[Session], ref: PointRef, ids: dict[str, int], now: datetime,
            ops: int) -> dict[tuple[str, str], list[float]]:
    """Seconds per operation, by (operation, holder); the two holders alternate."""
    clock = FixedClock(now)
    times: dict[tuple[str, str], list[float]] = {}
    for n in range(ops):
        for mykey in (LONG, NEW) if n % 2 else (NEW, LONG):
            t0 = time.perf_counter()
            with unit_of_work(sessions) as s:
                spend(s, clock=clock, terminal=Counter(), point=ref, holder_id=ids[mykey],
                      mykey_id=mykey, amount=1)
            t1 = time.perf_counter()
            with unit_of_work(sessions) as s:
                grant(s, clock=clock, point=ref, holder_id=ids[mykey], amount=1, scope="SYSTEM",
                      terminal_id=None)
            t2 = time.perf_counter()
            times.setdefault(("point use", mykey), []).append(t1 - t0)
            times.setdefault(("grant", mykey), []).append(t2 - t1)
    return times


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", help="database URL (default: a SQLite file in a temporary folder)")
    p.add_argument("--lots", type=int, default=100, help="past grants of the long history")
    p.add_argument("--uses-per-lot", type=int, default=20, help="point uses of each past grant")
    p.add_argument("--validity", type=int, default=30, help="validity of the point, in days")
    p.add_argument("--ops", type=int, default=300, help="measured uses (and grants) per holder")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{os.path.join(tmp, 'history.db')}"
        t0 = time.perf_counter()
        sessions, ref, ids, now, sweeps = build(url, args.lots, args.uses_per_lot,
                                                args.validity)
        built = time.perf_counter() - t0
        times = measure(sessions, ref, ids, now, args.ops)
        with unit_of_work(sessions) as s:
            violations = len(verify(s))
    print(f"{url.split(':')[0]}: long history = {args.lots} expired lots, "
          f"{args.lots * args.uses_per_lot} past point uses (built in {built:.0f} s)")
    print(f"{'operation':10} {'new holder ms':>14} {'long history ms':>16} {'ratio':>6}   (median)")
    for op in ("point use", "grant"):
        new, long_ = (statistics.median(times[(op, m)]) * 1000 for m in (NEW, LONG))
        print(f"{op:10} {new:14.3f} {long_:16.3f} {long_ / new:6.2f}")
    fifth = max(1, len(sweeps) // 5)
    first, last = (statistics.median(part) * 1000 for part in (sweeps[:fifth], sweeps[-fifth:]))
    print(f"sweep ms (median of {fifth}): at the start of the history {first:.2f}, "
          f"at its end {last:.2f}, ratio {last / first:.2f}")
    print(f"verify-ledger violations: {violations}")
    return 0 if violations == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
