"""GIVEN a database error WHEN the API answers THEN a transient one (another writer in the way,
a deadlock, a lost connection) is a 503 the terminal may retry; anything else stays a 500."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from cloud_api.errors import transient_code


def _wrapped(exc: Exception, invalidated: bool = False) -> DBAPIError:
    return DBAPIError.instance("UPDATE …", {}, exc, sqlite3.Error,
                               connection_invalidated=invalidated)


def test_sqlite_locked_by_another_writer_is_busy(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    waiter = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(sqlite3.OperationalError) as refused:
            waiter.execute("BEGIN IMMEDIATE")
        assert transient_code(_wrapped(refused.value)) == "database_busy"
    finally:
        holder.close()
        waiter.close()


def test_a_constraint_violation_is_not_transient(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "db.sqlite3")
    conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY)")
    conn.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.IntegrityError) as duplicate:
        conn.execute("INSERT INTO t VALUES (1)")
    conn.close()
    assert transient_code(_wrapped(duplicate.value)) is None


def test_a_lost_connection_is_unavailable() -> None:
    assert transient_code(_wrapped(sqlite3.OperationalError("disk I/O error"), True)) \
        == "service_unavailable"
