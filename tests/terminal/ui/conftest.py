"""Fixtures of the UI tests: a window over the real core services, in a fresh terminal home.

The window talks to whatever `cloud_url` the test gives it (the real cloud app served on a
loopback thread by `cloud` in harness.py, or a closed port for "unreachable"); the card reader
is the in-process virtual reader; the printer is the ESC/POS emulator on loopback.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.terminal.ui.harness import (
    LoopbackCloud,
    WorldTemplate,
    build_template,
    make_terminal_services,
)


@pytest.fixture(scope="session")
def world_template(tmp_path_factory: pytest.TempPathFactory) -> WorldTemplate:
    """CA, demo cards and a cloud database with the demo data: built once, copied per test."""
    return build_template(tmp_path_factory.mktemp("world"))


@pytest.fixture
def cloud(world_template: WorldTemplate, tmp_path: Path) -> Iterator[LoopbackCloud]:
    """The real cloud app over a private copy of the demo database, on a loopback thread."""
    server = LoopbackCloud(world_template.copy_to(tmp_path / "world"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def make_window(qtbot: Any, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """make_window(cloud_url, reader=…, printer_spec=…) → the main window (not yet navigated)."""
    from terminal_app.ui.application import build_window

    made: list[Any] = []

    def make(cloud_url: str, **kwargs: Any) -> Any:
        services = make_terminal_services(tmp_path / f"terminal{len(made)}", cloud_url, **kwargs)
        window = build_window(services, "0.1.0", wedge=False)
        qtbot.addWidget(window)
        window.show()
        made.append((window, services))
        return window

    yield make
    for window, services in made:
        window.ctx.jobs.wait_idle(10000)
        services.close()
