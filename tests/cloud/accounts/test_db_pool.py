"""The connection pool: a connection broken while it sat idle is replaced, not handed out."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from cloud_api import db


def test_a_connection_broken_while_idle_is_replaced(db_url: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a pooled PostgreSQL connection whose server process was ended while idle WHEN the
    next request checks a connection out THEN it gets a working one (no error reaches it)."""
    if not db_url.startswith("postgresql"):
        return   # SQLite has no server connection to lose
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.0)
    engine = db.make_engine(db_url)
    admin = create_engine(db_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with admin.connect() as conn:
            assert conn.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})").scalar()
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() != pid
    finally:
        engine.dispose()
        admin.dispose()


def test_a_refused_plain_statement_raises_sqlalchemys_error(db_url: str) -> None:
    """GIVEN a hot-path (plain SQL) insert that breaks a constraint WHEN it runs THEN the caller
    gets SQLAlchemy's IntegrityError, as from any other statement, and the session rolls back."""
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from cloud_api import fastsql
    from cloud_api.db import Base, make_session_factory
    from cloud_api.fastsql import Sql

    engine = db.make_engine(db_url)
    try:
        Base.metadata.create_all(engine)
        sessions = make_session_factory(engine)
        bad = Sql("INSERT INTO lot_consumptions (lot_id, txn_id, amount) VALUES (1, 1, 0)")
        with sessions() as session:
            with pytest.raises(IntegrityError):
                fastsql.run(session, bad)
            session.rollback()
            assert session.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()
