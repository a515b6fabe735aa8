"""Database engine, the declarative base and the unit-of-work helper.

SQLite (default) and PostgreSQL are both first-class. On SQLite every transaction starts with
BEGIN IMMEDIATE so that read-check-write sequences of the ledger are serialised by the database
write lock; WAL and synchronous=FULL keep every acknowledged commit after a crash.
On PostgreSQL the ledger locks the rows it reads with SELECT ... FOR UPDATE.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import MetaData, create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every cloud table."""

    metadata = MetaData(naming_convention=NAMING)


def make_engine(url: str) -> Engine:
    """An engine whose errors do not echo the statement's values (`hide_parameters`): a failed
    statement's message goes to the log with its traceback, and its values may be personal data
    or secrets (password hashes, tokens, MyKey IDs)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, hide_parameters=True,
                               connect_args={"check_same_thread": False, "timeout": 30})
        _sqlite_pragmas(engine)
        return engine
    engine = create_engine(url, pool_size=20, max_overflow=20, hide_parameters=True)
    _ping_when_idle(engine)
    return engine


PING_AFTER_IDLE_S = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """pool_pre_ping, but only for a connection that sat in the pool PING_AFTER_IDLE_S or more.

    A busy server checks a connection out on every request; pinging each time cost a round
    trip per request. A connection broken while idle (database restarted, a firewall dropped
    it) is found here and replaced; one that breaks while busy fails that request, which the
    terminal retries with the same Idempotency-Key.
    """
    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_conn: Any, record: ConnectionPoolEntry) -> None:
        record.info["checked_in_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        idle_since = record.info.get("checked_in_at")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return
        try:
            cursor = dbapi_conn.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
            dbapi_conn.rollback()
        except Exception as exc:  # the driver's own error class: the connection is gone
            raise DisconnectionError() from exc


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One database transaction: commit on success, roll back on any exception."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def relaxed_unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A transaction whose commit need not wait for the disk (request nonces, not money).

    SQLite: synchronous=OFF for this one commit (it may only change outside a transaction); its
    WAL frames reach the disk with the next durable commit's fsync. PostgreSQL: SET LOCAL
    synchronous_commit TO OFF. Atomicity and isolation are unchanged; only a crash within a few
    milliseconds could forget the commit.
    """
    engine: Engine = factory.kw["bind"]
    if engine.dialect.name != "sqlite":
        with unit_of_work(factory) as session:
            if engine.dialect.name == "postgresql":
                session.execute(text("SET LOCAL synchronous_commit TO OFF"))
            yield session
        return
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        raw.execute("PRAGMA synchronous=OFF")  # type: ignore[union-attr]
        try:
            with unit_of_work(sessionmaker(bind=conn, expire_on_commit=False)) as session:
                yield session
        finally:
            raw.execute("PRAGMA synchronous=FULL")  # type: ignore[union-attr]


def is_postgres(session_or_engine: Session | Engine) -> bool:
    bind = session_or_engine.get_bind() if isinstance(session_or_engine, Session) else session_or_engine
    return bind.dialect.name == "postgresql"
