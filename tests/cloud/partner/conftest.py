"""Partner fixtures: Kawasaki with its point, an event point, two holders and the partner JAL."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cloud_api.db import unit_of_work
from cloud_api.models.ledger import JournalTxn, LedgerAccount, Lot
from cloud_api.models.partners import Partner, PartnerTransfer
from tests.cloud.conftest import Factory


@dataclass(frozen=True)
class World:
    sessions: sessionmaker[Session]
    jal_id: int
    ana_id: int
    kawasaki_point: int
    event_point: int
    taro: int
    hanako: int

    def counts(self) -> tuple[int, int, int, int]:
        """Rows of the tables a transfer writes: a failed operation leaves them unchanged."""
        with unit_of_work(self.sessions) as s:
            return tuple(s.execute(select(func.count()).select_from(t)).scalar_one()  # type: ignore[return-value]
                         for t in (JournalTxn, PartnerTransfer, Lot, LedgerAccount))


@pytest.fixture
def world(app: Flask, factory: Factory) -> World:
    factory.municipality()
    factory.municipality("362018", "徳島市", "徳島県")
    kawasaki = factory.point(validity_days=60)
    event = factory.point("362018", "徳島県阿波踊りにぎわいプロジェクト", 30, kind="event",
                          service=(date(2026, 8, 1), date(2027, 3, 31)))
    taro, hanako = factory.holder("TARO0101", "A1"), factory.holder("MY123456", "A2")
    sessions = app.extensions["mykey"].sessions
    with unit_of_work(sessions) as s:
        jal = Partner(name="JAL", partner_points=200, support_points=1000, unit="マイル")
        ana = Partner(name="ANA", partner_points=1, support_points=1, unit="マイル")
        s.add_all([jal, ana])
        s.flush()
        ids = jal.id, ana.id
    return World(sessions, *ids, kawasaki, event, taro, hanako)


@pytest.fixture
def cli_env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`mykey-cloud` commands run against the test database."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("MYKEY_CLOUD_HOME", str(tmp_path / "home"))
