"""GIVEN the `mykey-printer-emulator` command WHEN started as a process THEN a printer can
print to it and a PNG appears; SIGTERM stops it cleanly."""
from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.printer import Printer, receipt_point_use
from tests.drivers.printer.factories import point_use

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def emulator_process(tmp_path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "drivers.printer.emulator.server", "--port", "0", "--out",
         str(tmp_path / "out")], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # "listening escpos-net:127.0.0.1:PORT -> DIR"
        yield proc, line.split()[1]
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def test_cli_emulator_prints_png_and_stops_on_sigterm(emulator_process, tmp_path) -> None:
    proc, target = emulator_process
    printer = Printer.from_config(target, "tm-t88-kanji")
    printer.print_document(receipt_point_use(point_use()))  # returns after the status echo
    printer.close()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    assert (tmp_path / "out" / "paper-0001.png").stat().st_size > 0
    assert "ポイント残高" in (tmp_path / "out" / "paper-0001.txt").read_text(encoding="utf-8")
