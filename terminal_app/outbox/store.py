"""The outbox's SQLite file (`<home>/outbox.sqlite3`): one row per client-made idempotency key.

States: pending (written, no definitive answer yet) -> done (2xx) or failed (a definitive refusal).
The exact body bytes are kept so a retry is byte-identical (same body digest, same key): the cloud
then answers with the first result. Each row records its operation `kind` (what the client's
call was: spend, merge, …) so that 再確認 can turn the answer into the call's result. Thread-safe
(one connection, one lock); WAL journal. Requests whose body holds a secret (the MyPage password
of a MyKey ID creation) use an in-memory store instead: never on disk.

Schema versions (terminal_app.local_schema): 1 the table as first deployed; 2 adds `kind`, derived
once for the rows of version 1 from their method and path.
"""
from __future__ import annotations

import logging
import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from terminal_app.domain.errors import UserFacingError
from terminal_app.local_schema import SchemaTooNew, Step, script, upgrade

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    key TEXT PRIMARY KEY,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    body BLOB NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    status INTEGER,
    response BLOB,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
)"""
COLUMNS = ("key, method, path, body, state, attempts, status, response, created_at, updated_at, "
           "kind")

# The mutating requests that version 1 wrote, as they were then (frozen: a later client may
# change its paths, this step must keep reading the old rows the same way). register and
# mykey_create carry secrets and were kept in memory, so a v1 file should hold none; they are
# listed all the same, so that every request version 1 could write gets its kind.
V1_KINDS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("POST", re.compile(r"/api/v1/terminals/register"), "register"),
    ("PUT", re.compile(r"/api/v1/terminal/contact"), "contact"),
    ("POST", re.compile(r"/api/v1/service-ids"), "service_id"),
    ("POST", re.compile(r"/api/v1/spend"), "spend"),
    ("POST", re.compile(r"/api/v1/vouchers"), "voucher_issue"),
    ("POST", re.compile(r"/api/v1/vouchers/[^/]+/redeem"), "voucher_redeem"),
    ("POST", re.compile(r"/api/v1/vouchers/[^/]+/reprint"), "voucher_reprint"),
    ("POST", re.compile(r"/api/v1/merges"), "merge"),
    ("POST", re.compile(r"/api/v1/mykey"), "mykey_create"),
    ("POST", re.compile(r"/api/v1/grant-businesses/[^/]+/roster"), "grant_roster"),
    ("POST", re.compile(r"/api/v1/grant-businesses/[^/]+/grants"), "grant"),
)


def v1_kind(method: str, path: str) -> str | None:
    """The kind of a version-1 row; None for a request no client call of version 1 made."""
    return next((kind for m, pattern, kind in V1_KINDS
                 if m == method and pattern.fullmatch(path)), None)


def _add_kind(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE outbox ADD COLUMN kind TEXT")
    rows = conn.execute("SELECT key, method, path FROM outbox").fetchall()
    conn.executemany("UPDATE outbox SET kind = ? WHERE key = ?",
                     [(v1_kind(method, path), key) for key, method, path in rows])


STEPS: tuple[Step, ...] = (script(SCHEMA), _add_kind)


@dataclass(frozen=True)
class OutboxEntry:
    key: str
    method: str
    path: str
    body: bytes
    state: str
    attempts: int
    status: int | None
    response: bytes | None
    created_at: float
    updated_at: float
    kind: str | None   # None only for a version-1 row that no known call made

    def same_request(self, method: str, path: str, body: bytes) -> bool:
        return (self.method, self.path, self.body) == (method, path, body)


class OutboxStore:
    """CRUD over the outbox table."""

    def __init__(self, path: Path | None) -> None:
        """`path` None: an in-memory store (lost at exit; for requests carrying secrets)."""
        self.path = path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False,
                                   isolation_level=None)
        self._db.execute("PRAGMA synchronous=FULL")
        try:
            upgrade(self._db, STEPS, str(path or ":memory:"))
        except SchemaTooNew as exc:
            self._db.close()
            raise UserFacingError("local_schema_too_new", path=exc.name, found=exc.found,
                                  known=exc.known) from exc
        self._db.execute("PRAGMA journal_mode=WAL")

    def add(self, key: str, method: str, path: str, body: bytes, kind: str) -> OutboxEntry:
        """Write a new pending request (durably, before it is sent); return the stored row."""
        now = time.time()
        with self._lock:
            try:
                self._db.execute(
                    "INSERT INTO outbox (key, method, path, body, state, created_at, updated_at,"
                    " kind) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT(key) DO NOTHING",
                    (key, method, path, body, now, now, kind))
            except sqlite3.Error as exc:
                raise UserFacingError("outbox_failed") from exc
        entry = self.get(key)
        assert entry is not None
        return entry

    def get(self, key: str) -> OutboxEntry | None:
        with self._lock:
            row = self._db.execute(f"SELECT {COLUMNS} FROM outbox WHERE key = ?",
                                   (key,)).fetchone()
        return OutboxEntry(*row) if row else None

    def pending(self) -> list[OutboxEntry]:
        with self._lock:
            rows = self._db.execute(f"SELECT {COLUMNS} FROM outbox WHERE state = 'pending'"
                                    " ORDER BY created_at").fetchall()
        return [OutboxEntry(*row) for row in rows]

    def attempted(self, key: str) -> None:
        self._update("UPDATE outbox SET attempts = attempts + 1, updated_at = ? WHERE key = ?",
                     (time.time(), key))

    def finish(self, key: str, state: str, status: int, response: bytes) -> None:
        self._update("UPDATE outbox SET state = ?, status = ?, response = ?, updated_at = ?,"
                     " attempts = attempts + 1 WHERE key = ?",
                     (state, status, response, time.time(), key))

    def purge_finished(self, older_than_s: float) -> int:
        """Forget answered requests older than the given age; returns how many."""
        cutoff = time.time() - older_than_s
        with self._lock:
            cursor = self._db.execute("DELETE FROM outbox WHERE state != 'pending'"
                                      " AND updated_at < ?", (cutoff,))
        return cursor.rowcount

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _update(self, sql: str, params: tuple[object, ...]) -> None:
        with self._lock:
            try:
                self._db.execute(sql, params)
            except sqlite3.Error as exc:
                raise UserFacingError("outbox_failed") from exc
