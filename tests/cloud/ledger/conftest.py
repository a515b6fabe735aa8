"""Ledger test fixtures: a fresh schema on `db_url` (SQLite or PostgreSQL), a fixed JST clock,
plain point/terminal values shaped like ACCOUNTS' PointRef / TerminalContext, and helpers."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

import cloud_api.models.ledger  # noqa: F401  (registers the ledger tables)
from cloud_api.clock import JST, FixedClock
from cloud_api.db import Base, make_engine, make_session_factory, unit_of_work


@dataclass(frozen=True)
class Pt:
    point_id: int
    kind: str = "municipal"
    name: str = "川崎市ポイント"
    validity_days: int = 60
    municipality_code: str = "141305"


@dataclass(frozen=True)
class Term:
    terminal_id: str = "00052459"
    place: str = "川崎市藤子・F・不二雄ミュージアム"
    municipality_code: str = "141305"


@pytest.fixture
def ledger_db(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(db_url)
    Base.metadata.create_all(engine)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2017, 12, 31, 18, 2, 37, tzinfo=JST))


@pytest.fixture
def point() -> Pt:
    return Pt(point_id=1)


@pytest.fixture
def terminal() -> Term:
    return Term()


def run(ledger_db: sessionmaker[Session], fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Call a service in its own unit of work (committed unless it raises)."""
    with unit_of_work(ledger_db) as s:
        return fn(s, *args, **kwargs)


@pytest.fixture
def world(factory, sessions, clock):  # type: ignore[no-untyped-def]
    """ACCOUNTS' app + factory with the ledger's test world (see world.py)."""
    from tests.cloud.ledger.world import build
    return build(factory, sessions, clock)


@pytest.fixture
def grant_via_api(world, signed_client):  # type: ignore[no-untyped-def]
    """grant_via_api(amount, point_id=None, holder=...) → credits points through the ledger."""
    from cloud_api.services.ledger.grant import grant
    from cloud_api.services.points import get_point

    def do(amount: int, point_id: int | None = None, holder_id: int | None = None) -> None:
        with unit_of_work(world.sessions) as s:
            grant(s, clock=world.clock, point=get_point(s, point_id or world.point_id),
                  holder_id=holder_id or world.holder_id, amount=amount, scope="SYSTEM",
                  terminal_id=None)
    return do
