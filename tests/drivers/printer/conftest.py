"""Fixtures for printer tests: profiles and a loopback printer emulator per test."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from drivers.printer import (
    PrinterProfile,
    load_profile,
)
from drivers.printer.emulator.server import PrinterEmulator

KANJI, RASTER, LABEL = "tm-t88-kanji", "generic-58mm-raster", "label-62mm"


@pytest.fixture(params=[KANJI, RASTER])
def profile(request: pytest.FixtureRequest) -> PrinterProfile:
    return load_profile(request.param)


@pytest.fixture
def kanji() -> PrinterProfile:
    return load_profile(KANJI)


@pytest.fixture
def raster() -> PrinterProfile:
    return load_profile(RASTER)


def start_emulator(tmp_path: Path, profile: PrinterProfile) -> PrinterEmulator:
    return PrinterEmulator(port=0, out_dir=tmp_path / "papers",
                           width_dots=profile.width_dots).start()


EmulatorFactory = Callable[[PrinterProfile], PrinterEmulator]


@pytest.fixture
def emulator_for(tmp_path: Path) -> Iterator[EmulatorFactory]:
    """A factory: emulator_for(profile) → a started emulator as wide as that paper; all are
    stopped (threads joined, sockets closed) at teardown."""
    started: list[PrinterEmulator] = []

    def make(profile: PrinterProfile) -> PrinterEmulator:
        started.append(start_emulator(tmp_path / str(len(started)), profile))
        return started[-1]

    yield make
    for emu in started:
        emu.stop()

