"""Read-only database access for reports: long downloads must not hold the write lock.

The cloud's main engine starts every SQLite transaction with BEGIN IMMEDIATE (the ledger's write
lock). A report that streams for minutes must not block the counters, so reports read through a
sibling engine whose SQLite transactions are plain deferred snapshots (WAL readers never block the
writer) and whose PostgreSQL transactions are READ ONLY, REPEATABLE READ (one snapshot for all
the queries of a report, so its summary and detail agree).
"""
from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine

_readers: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def reader_engine(engine: Engine) -> Engine:
    """The read-only sibling of `engine` (created once per engine)."""
    reader = _readers.get(engine)
    if reader is None:
        reader = _make_reader(engine)
        _readers[engine] = reader
    return reader


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """One consistent read-only transaction (a snapshot) over the report's queries."""
    with reader_engine(engine).connect() as conn, conn.begin():
        yield conn


def _make_reader(engine: Engine) -> Engine:
    if engine.dialect.name != "sqlite":
        return engine.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    reader = create_engine(engine.url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(reader, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA query_only=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(reader, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN")

    return reader
