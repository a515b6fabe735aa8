"""Fixtures of the grant tests: the demo world's real cloud on loopback (with an SMTP server for
the notices), a registered grant terminal (category E, 00053062 of 川崎市) with its grant
services, and virtual cards — the demo holders and one card whose holder has no MyKey ID."""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.grant.helpers import GrantWorld, SmtpSink, grant_terminal, world_cloud
from tests.terminal.ui.harness import WorldTemplate, build_template


@pytest.fixture(scope="session")
def grant_template(tmp_path_factory: pytest.TempPathFactory) -> WorldTemplate:
    return build_template(tmp_path_factory.mktemp("grant-world"))


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def world(grant_template: WorldTemplate, tmp_path: Path, smtp: SmtpSink) -> Iterator[GrantWorld]:
    with world_cloud(grant_template, tmp_path, smtp) as made:
        yield made


@pytest.fixture
def terminal(world: GrantWorld, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """terminal(reader=…, transport=…) → (core services, grant services), registered as E."""
    made: list[Any] = []

    def make(**kwargs: Any) -> Any:
        pair = grant_terminal(world, tmp_path / f"terminal{len(made)}", **kwargs)
        made.append(pair)
        return pair

    yield make
    for services, grants in made:
        grants.close()
        services.close()


@pytest.fixture
def grant_window(qtbot: Any, world: GrantWorld, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """grant_window(reader=…) → a main window of a registered (エ) terminal on 画面68."""
    from terminal_app.ui.application import build_window
    from tests.grant.helpers import GRANT_TERMINAL
    from tests.terminal.ui.harness import make_terminal_services, register

    made: list[Any] = []

    def make(reader: Any = None) -> Any:
        services = make_terminal_services(tmp_path / f"ui{len(made)}", world.url, reader=reader)
        register(services, GRANT_TERMINAL)
        window = build_window(services, "0.1.0", wedge=False)
        qtbot.addWidget(window)
        window.show()
        made.append((window, services))
        window.navigate("start")
        qtbot.waitUntil(lambda: window.current.screen_id == "g68", timeout=15000)
        return window

    yield make
    for window, services in made:
        window.ctx.jobs.wait_idle(10000)
        grants = getattr(window.ctx, "grant_services", None)
        if grants is not None:
            grants.close()
        services.close()
