"""The connection pool: a connection broken while it sat idle is replaced, not handed out."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from cloud_api import db


@pytest.mark.postgres_only("SQLite has no server connection to lose")
def test_a_connection_broken_while_idle_is_replaced(db_url: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a pooled PostgreSQL connection whose server process was ended while idle WHEN the
    next request checks a connection out THEN it gets a working one (no error reaches it)."""
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
        bad = Sql("INSERT INTO lot_consumptions (lot_id, txn_id, amount) "
                  "VALUES (:lot_id, 1, :amount)")
        with sessions() as session:
            with pytest.raises(IntegrityError) as raised:
                fastsql.run(session, bad, {"lot_id": 424242, "amount": 0})
            session.rollback()
            assert session.execute(text("SELECT 1")).scalar() == 1
        # SQLAlchemy does not echo the statement's values into the message (it is logged with
        # the traceback, and values may be personal data); PostgreSQL's own DETAIL line may
        # still quote a failing row, so only SQLite's message is free of them entirely
        message = str(raised.value)
        assert "[SQL parameters hidden due to hide_parameters=True]" in message
        assert "'lot_id': 424242" not in message
        if db_url.startswith("sqlite"):
            assert "424242" not in message
    finally:
        engine.dispose()


def test_a_savepoint_undoes_plain_statements_run_after_others(db_url: str) -> None:
    """GIVEN a transaction that has already run a hot-path (plain SQL) statement WHEN a savepoint
    begins, another plain statement runs in it and the savepoint is rolled back THEN that
    statement is undone and the first one stays (the savepoint begins before the statement)."""
    from sqlalchemy import text

    from cloud_api import fastsql
    from cloud_api.db import make_session_factory
    from cloud_api.fastsql import Sql

    engine = db.make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE savepoint_probe (k INTEGER PRIMARY KEY)"))
        insert = Sql("INSERT INTO savepoint_probe (k) VALUES (:k)")
        with make_session_factory(engine)() as session:
            fastsql.run(session, insert, {"k": 1})
            with pytest.raises(LookupError), session.begin_nested():
                fastsql.run(session, insert, {"k": 2})
                raise LookupError("not the common case")
            fastsql.run(session, insert, {"k": 3})
            session.commit()
        with engine.connect() as conn:
            kept = conn.execute(text("SELECT k FROM savepoint_probe ORDER BY k")).scalars().all()
        assert kept == [1, 3]
    finally:
        engine.dispose()
