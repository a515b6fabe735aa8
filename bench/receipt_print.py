"""Benchmark: render + send a receipt (and a voucher) to the loopback printer emulator.

For each printer profile (kanji mode and raster fallback) it prints N copies over TCP and
reports the median and p90 wall time per job (render, DLE EOT status before/after, send),
plus the bytes per job. The emulator's own PNG drawing runs in its server thread and is
included as far as the post-print status reply waits for it.

    .venv/bin/python bench/receipt_print.py [-n 30]
"""
from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from drivers.printer import (
    Document,
    EscPosRenderer,
    PointUseReceipt,
    Printer,
    VoucherTicket,
    load_profile,
    receipt_point_use,
    voucher,
)
from drivers.printer.emulator.server import PrinterEmulator
from drivers.printer.transports import parse_target

WHEN = datetime(2017, 4, 2, 18, 2, 37)


def _docs() -> dict[str, Document]:
    return {
        "receipt": receipt_point_use(PointUseReceipt("A市ポイント", 500, 1230, "2017123100001",
                                                     WHEN)),
        "voucher": voucher(VoucherTicket("A市ポイント", "987654321012", 500, WHEN,
                                         date(2017, 5, 2), 30, "A市商工会")),
    }


def _render_ms(profile_name: str, doc: Document, copies: int) -> float:
    renderer = EscPosRenderer(load_profile(profile_name))
    times = []
    for _ in range(copies):
        start = time.perf_counter()
        renderer.render(doc)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _bench(profile_name: str, doc: Document, copies: int, out: Path) -> str:
    profile = load_profile(profile_name)
    size = len(EscPosRenderer(profile).render(doc))
    render_ms = _render_ms(profile_name, doc, copies)
    with PrinterEmulator(out_dir=out / profile_name / doc.title,
                         width_dots=profile.width_dots) as emu:
        printer = Printer(profile, parse_target(emu.target))
        times = []
        for _ in range(copies):
            start = time.perf_counter()
            printer.print_document(doc)
            times.append(time.perf_counter() - start)
        printer.close()
        emu.wait_for_papers(copies)
    times.sort()
    p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
    return (f"{profile_name:20s} {doc.title:18s} render {render_ms:6.1f} ms | render+send "
            f"median {statistics.median(times) * 1000:6.1f} ms p90 {p90 * 1000:6.1f} ms"
            f" | {size:6d} bytes/job")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=30, help="jobs per profile and document")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        for profile_name in ("tm-t88-kanji", "generic-58mm-raster"):
            for doc in _docs().values():
                print(_bench(profile_name, doc, args.n, Path(tmp)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
