"""Read-only database access for reports: long downloads must not hold the write lock.

The cloud's main engine starts every SQLite transaction with BEGIN IMMEDIATE (the ledger's write
lock). A report that streams for minutes must not block the counters, so reports read through a
sibling engine whose SQLite transactions are plain deferred snapshots (WAL readers never block the
writer) and whose PostgreSQL transactions are READ ONLY, REPEATABLE READ (one snapshot for all
the queries of a report, so its summary and detail agree).

`driver_batches` runs a report's detail statement on the driver's own cursor (server-side on
PostgreSQL) and hands out its plain tuples a batch at a time: a download of a million rows
then spends no time building one SQLAlchemy Row per line.
"""
from __future__ import annotations

import itertools
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql import Select
from sqlalchemy.sql.compiler import SQLCompiler

_readers: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()
_cursor_names = itertools.count(1)


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
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA query_only=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(reader, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    return reader


def driver_batches(conn: Connection, stmt: Select, size: int) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of `stmt` as the driver's tuples, `size` at a time, inside `conn`'s transaction
    (a named, server-side cursor on PostgreSQL). Only for columns that need no result
    conversion (text and integers, e.g. lines formatted by the database)."""
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    dbapi_conn = conn.connection.driver_connection
    assert dbapi_conn is not None
    cursor = (dbapi_conn.cursor(name=f"mykey_report_{next(_cursor_names)}")
              if conn.dialect.name == "postgresql" else dbapi_conn.cursor())
    try:
        cursor.execute(compiled.string, _driver_params(conn, compiled))
        while rows := cursor.fetchmany(size):
            yield rows
    finally:
        cursor.close()


def _driver_params(conn: Connection, compiled: SQLCompiler) -> Any:
    """The statement's parameters converted by their column types (a date becomes SQLite's
    'YYYY-MM-DD' text), as a tuple for positional drivers, else a dict."""
    types = {key: bind.type for key, bind in compiled.binds.items()}
    params = {}
    for name, value in compiled.construct_params().items():
        kind = types.get(name) or types[name.rsplit("_", 1)[0]]   # IN (…) expands key_1 → key_1_1
        process = kind.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        params[name] = process(value) if process else value
    if compiled.positional:
        return tuple(params[name] for name in compiled.positiontup or ())
    return params
