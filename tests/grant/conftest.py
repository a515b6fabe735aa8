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

from tests.grant.helpers import GrantWorld, SmtpSink, grant_terminal, world_cloud  # noqa: E402
from tests.terminal.ui.harness import WorldTemplate, build_template  # noqa: E402


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
