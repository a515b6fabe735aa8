"""Benchmark: read the MyKey-relevant card data (the user-authentication certificate).

Prints, per transport (in-process virtual reader; real pcscd + vpcd when the lab can run)
and per emulated card latency (0 ms and a realistic 15 ms per APDU): median wall time of
connect + read + power down, APDUs exchanged, the protocol minimum (SELECT AP, SELECT token
EF, READ label, SELECT cert EF, ceil(len/256) READs) and our own overhead beyond the card's
time (APDUs x latency). Goal: APDUs == minimum, overhead < 15 ms.

    .venv/bin/python bench/card_read.py [--runs 20]
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from drivers.card import MyNumberCard, ReaderStatus, open_reader
from drivers.card.virtual.ca import create_ca, issue_card
from drivers.card.virtual.card_file import save_card
from drivers.card.virtual.cert_builder import Holder

DELAYS_MS = (0.0, 15.0)


def measure(spec: str, runs: int) -> dict[str, float]:
    """Median seconds and APDU count of `runs` full reads through the reader `spec`."""
    reader = open_reader(spec)
    deadline = time.monotonic() + 15
    while reader.status() is not ReaderStatus.CARD_PRESENT and time.monotonic() < deadline:
        reader.wait_for_change(deadline - time.monotonic())
    times, apdus, size = [], 0, 0
    for _ in range(runs):
        t0 = time.perf_counter()
        with reader.connect() as conn:
            card = MyNumberCard(conn)
            cert = card.read_auth_certificate()
        times.append(time.perf_counter() - t0)
        apdus, size = card.apdu_count, len(cert.der)
    return {"seconds": statistics.median(times), "best": min(times), "apdus": apdus,
            "cert_bytes": size}


def _make_card(workdir: Path) -> Path:
    ca = create_ca(workdir / "ca")
    holder = Holder("山田　太郎", "東京都千代田区千代田１－１", date(1980, 2, 17), "1")
    path = workdir / "card.json"
    save_card(issue_card(ca, holder, pin="1234", sign_password="ABC123"), path)
    return path


def _pcsc_rows(card: Path, runs: int) -> list[tuple[str, float, dict[str, float]]]:
    from drivers.card.virtual.lab import PcscLab, unavailable_reason
    reason = unavailable_reason()
    if reason:
        print(f"(pcscd + vpcd skipped: {reason})")
        return []
    rows = []
    with PcscLab() as lab:
        for delay in DELAYS_MS:
            lab.delay_ms = delay
            lab.insert(card)
            out = subprocess.run([sys.executable, __file__, "--child", "pcsc", "--runs",
                                  str(runs)], env=lab.client_env(), capture_output=True,
                                 text=True, check=True, timeout=300).stdout
            rows.append(("pcscd+vpcd", delay, json.loads(out)))
            lab.remove()
    return rows


def slept_ms(delay_ms: float, samples: int = 30) -> float:
    """What time.sleep(delay) really takes here (the emulated card's real time per APDU)."""
    if not delay_ms:
        return 0.0
    spans = []
    for _ in range(samples):
        t0 = time.perf_counter()
        time.sleep(delay_ms / 1000)
        spans.append(time.perf_counter() - t0)
    return statistics.median(spans) * 1000


def _print(rows: list[tuple[str, float, dict[str, float]]]) -> None:
    print(f"{'transport':<12} {'card ms/APDU':>12} {'read ms':>9} {'best ms':>8} {'APDUs':>6}"
          f" {'minimum':>8} {'card ms':>8} {'overhead ms':>12}")
    for transport, delay, r in rows:
        minimum = 4 + math.ceil(r["cert_bytes"] / 256)
        card_ms = r["apdus"] * slept_ms(delay)
        total_ms = r["seconds"] * 1000
        print(f"{transport:<12} {delay:>12.0f} {total_ms:>9.2f} {r['best'] * 1000:>8.2f}"
              f" {r['apdus']:>6.0f} {minimum:>8} {card_ms:>8.1f} {total_ms - card_ms:>12.2f}")
    print("read ms = median of connect + read + power down; card ms = APDUs x the measured"
          " duration of one emulated card delay; overhead = read ms - card ms")


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--runs", type=int, default=20)
    args.add_argument("--child", choices=("pcsc",))
    opts = args.parse_args(argv)
    if opts.child:  # measuring inside a process whose PCSCLITE_CSOCK_NAME points at the lab
        print(json.dumps(measure("pcsc", opts.runs)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        card = _make_card(Path(tmp))
        rows = [("in-process", d, measure(f"virtual:{card}?delay_ms={d}", opts.runs))
                for d in DELAYS_MS]
        rows += _pcsc_rows(card, opts.runs)
    _print(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
