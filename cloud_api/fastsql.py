"""Hot-path SQL on the DB-API cursor of a session's connection (the ledger, terminal auth).

A point use is a handful of small statements; through SQLAlchemy's Connection.execute each cost
about three times the driver's own CPU (measured: 85 us against 27 us per statement on psycopg),
more than the database work itself. `Sql` statements are plain SQL text written once with
`:name` parameters (psycopg gets them as `%(name)s`) and `run` executes them in the session's
transaction on its DB-API connection. Values are bound and read back through SQLAlchemy column
types (`binds=` / `results=`), so what is stored is exactly what the ORM writes and reads (on
SQLite, dates and times are text in SQLAlchemy's format), and SQLAlchemy's
`before_cursor_execute` listeners see them like any other statement. Everything else uses
SQLAlchemy.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import Date, DateTime
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

DATE: TypeEngine[Any] = Date()
DATETIME: TypeEngine[Any] = DateTime(timezone=True)
_NAME = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")

Processor = Callable[[Any], Any]
Ready = tuple[str, list[tuple[str, Any]], list[Any]]   # text, bind and result processors
_CONNECTION = "fastsql_connection"   # session.info: (transaction, connection, DB-API connection)


class Sql:
    """One statement: `:name` parameters, optional per-dialect text, column types for values."""

    def __init__(self, text: str, *, postgresql: str | None = None,
                 binds: dict[str, TypeEngine[Any]] | None = None,
                 results: Sequence[TypeEngine[Any] | None] = ()) -> None:
        self._text = {"sqlite": text, "postgresql": postgresql or text}
        self._binds, self._results = binds or {}, tuple(results)
        self._ready: dict[str, Ready] = {}

    def ready(self, dialect: Dialect) -> Ready:
        """(driver SQL, bind processors, result processors) for `dialect`, built once."""
        done: Ready | None = self._ready.get(dialect.name)
        if done is None:
            text = self._text.get(dialect.name, self._text["sqlite"])
            if dialect.paramstyle == "pyformat":
                text = _NAME.sub(r"%(\1)s", text)
            binds = [(name, proc) for name, type_ in self._binds.items()
                     if (proc := type_.dialect_impl(dialect).bind_processor(dialect))]
            results = [None if t is None else t.dialect_impl(dialect).result_processor(dialect, None)
                       for t in self._results]
            done = self._ready[dialect.name] = (text, binds, results)
        return done


class Rows:
    """The rows a statement returned (already fetched), with SQLAlchemy-like accessors."""

    __slots__ = ("rowcount", "rows")

    def __init__(self, rows: list[tuple[Any, ...]], rowcount: int) -> None:
        self.rows, self.rowcount = rows, rowcount

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.rows)

    def first(self) -> tuple[Any, ...] | None:
        return self.rows[0] if self.rows else None

    def scalar(self) -> Any:
        return self.rows[0][0] if self.rows else None

    def scalar_one(self) -> Any:
        if len(self.rows) != 1:
            raise LookupError(f"expected one row, got {len(self.rows)}")
        return self.rows[0][0]


def run(session: Session, statement: Sql, params: dict[str, Any] | list[dict[str, Any]] | None
        = None) -> Rows:
    """Execute in the session's transaction (begun if needed); a list of params = executemany."""
    conn, dbapi = _connection(session)
    text, binds, results = statement.ready(conn.dialect)
    cursor = dbapi.cursor()
    try:
        if conn.dispatch.before_cursor_execute:   # SQLAlchemy's statement event, for listeners
            conn.dispatch.before_cursor_execute(conn, cursor, text, params, None,
                                                isinstance(params, list))
        if isinstance(params, list):
            cursor.executemany(text, [_bound(p, binds) for p in params])
            return Rows([], cursor.rowcount)
        cursor.execute(text, _bound(params or {}, binds))
        rows = cursor.fetchall() if cursor.description else []
    except conn.dialect.loaded_dbapi.Error as exc:
        raise _translated(conn, dbapi, cursor, text, params, exc) from exc
    finally:
        cursor.close()
    if results and rows:
        rows = [tuple(v if p is None or v is None else p(v) for v, p in zip(row, results))
                + tuple(row[len(results):]) for row in rows]
    return Rows(rows, cursor.rowcount)


def _translated(conn: Connection, dbapi: Any, cursor: Any, text: str, params: Any,
                exc: Exception) -> StatementError:
    """The driver's error as SQLAlchemy's (IntegrityError, OperationalError, …), like any other
    statement's; a lost connection is invalidated so the pool does not hand it out again."""
    dialect = conn.dialect
    lost = dialect.is_disconnect(exc, dbapi, cursor)  # type: ignore[arg-type]
    if lost:
        conn.invalidate(exc)
    return DBAPIError.instance(text, params, exc, dialect.loaded_dbapi.Error,
                               hide_parameters=conn.engine.hide_parameters,
                               connection_invalidated=lost, dialect=dialect)


def _connection(session: Session) -> tuple[Connection, Any]:
    """The session's connection and its DB-API connection in the current transaction (looked
    up once per transaction: Session.connection() alone cost ~20 us a call).

    "Current" is the innermost one: a savepoint (Session.begin_nested) is only emitted when its
    transaction is first asked for its connection, so a statement run here inside it must ask,
    or the savepoint would begin after the statement and not undo it."""
    txn = session.get_nested_transaction() or session.get_transaction()
    cached = session.info.get(_CONNECTION)
    if cached is None or txn is None or cached[0] is not txn:
        conn = session.connection()
        txn = session.get_nested_transaction() or session.get_transaction()
        cached = (txn, conn, conn.connection.dbapi_connection)
        session.info[_CONNECTION] = cached
    return cached[1], cached[2]


def _bound(params: dict[str, Any], binds: list[tuple[str, Processor]]) -> dict[str, Any]:
    if not binds:
        return params
    out = dict(params)
    for name, proc in binds:
        if out.get(name) is not None:
            out[name] = proc(out[name])
    return out
