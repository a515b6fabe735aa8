"""Schema versions of the terminal's local SQLite files, kept in SQLite's `PRAGMA user_version`.

A file's schema is a list of numbered steps: `steps[0]` makes version 1 from an empty file,
`steps[n]` makes version n+1 from version n. `upgrade()` applies the missing steps in order, each
in one `BEGIN IMMEDIATE` transaction together with its version bump, so a crash mid-step leaves
the previous version and its data intact. A file whose version is newer than the steps is
refused (`SchemaTooNew`) before anything is written. Files made before versions existed have
user_version 0 with tables present: they hold version 1, whose step creates its tables only
`IF NOT EXISTS`, so the step stamps them. Standard library only, like merge_receive, its user.
"""
from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence

log = logging.getLogger(__name__)

Step = Callable[[sqlite3.Connection], None]


class SchemaTooNew(Exception):
    """The file was written by a newer program: `found` > `known`; nothing was changed."""

    def __init__(self, name: str, found: int, known: int) -> None:
        super().__init__(f"{name}: schema version {found}, this program knows up to {known}")
        self.name, self.found, self.known = name, found, known


def script(sql: str) -> Step:
    """A step running each `;`-separated statement (executescript would COMMIT the step)."""
    statements = [s.strip() for s in sql.split(";") if s.strip()]

    def run(conn: sqlite3.Connection) -> None:
        for statement in statements:
            conn.execute(statement)
    return run


def version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def upgrade(conn: sqlite3.Connection, steps: Sequence[Step], name: str) -> int:
    """Bring the file of `conn` (autocommit: isolation_level None) to `len(steps)`; return it."""
    if version(conn) > len(steps):   # checked before any lock or write: the file stays as it is
        raise SchemaTooNew(name, version(conn), len(steps))
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = version(conn)   # again under the lock: another process may have upgraded
            if current >= len(steps):
                conn.execute("ROLLBACK")
                if current > len(steps):
                    raise SchemaTooNew(name, current, len(steps))
                return current
            if current == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                log.info("%s: tables without a schema version: stamping them as version 1", name)
            steps[current](conn)
            conn.execute(f"PRAGMA user_version = {current + 1}")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        log.info("%s: schema version %d", name, current + 1)
