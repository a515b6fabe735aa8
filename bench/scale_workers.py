"""How point-use throughput grows from 1 to 2 app worker processes on PostgreSQL (issue: scale-out).

    .venv/bin/python bench/scale_workers.py [--terminals 16] [--seconds 15] [--threads 16]

Runs bench/point_use.py's PostgreSQL measurement (fresh private cluster, N signing terminals over
real HTTP, verify-ledger afterwards) once with 1 worker process and once with 2, and prints the
rates side by side with the ratio. The clients run on the same 2-core machine, so the ratio is a
lower bound of what a second app server on its own cores adds.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import point_use


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--terminals", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--threads", type=int, default=point_use.THREADS)
    ap.add_argument("--server", choices=["granian", "waitress"], default="granian")
    args = ap.parse_args(argv)
    print(f"{'workers':>7} {'ok/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'app CPU ms/req':>15}"
          f"  (PostgreSQL, {args.server}, terminals={args.terminals},"
          f" {args.threads} threads/worker,"
          f" load {os.getloadavg()[0]:.1f})")
    rates = []
    for workers in (1, 2):
        run_args = point_use.parser().parse_args([
            "--terminals", str(args.terminals), "--seconds", str(args.seconds),
            "--workers", str(workers), "--threads", str(args.threads), "--server", args.server])
        r = point_use.run_one("postgres", run_args)
        rates.append(float(r["per_s"]))  # type: ignore[arg-type]
        print(f"{workers:>7} {r['per_s']:8.0f} {r['p50_ms']:8.1f} {r['p99_ms']:8.1f}"
              f" {r['app_cpu_ms']:15.1f}  verify-ledger violations: {r['violations']}",
              flush=True)
    print(f"2 workers / 1 worker = {rates[1] / max(rates[0], 1e-9):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
