"""The local SQLite of the grant business support system (`<home>/grant_support.sqlite3`).

Tables: businesses (付与事業マスタ, replaced at every login sync), roster (付与事業対象者名簿,
`synced` = 0 until the cloud has it), persons (対象者マスタ), settings (画面69's chosen fields),
offline_reads (the mobile device's card reads with their client-made ids, kept until decided).
Thread-safe: one connection, one lock; WAL journal; every change is one transaction.
Schema versions (terminal_app.local_schema): 1 these tables as first deployed.
"""
from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from terminal_app.domain.errors import UserFacingError
from terminal_app.grant_support.models import (
    FIELD_KEYS,
    GrantBusiness,
    OfflineRead,
    Person,
    RosterRow,
)
from terminal_app.local_schema import SchemaTooNew, Step, script, upgrade

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS businesses (business_id TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS roster (business_id TEXT NOT NULL, mykey_id TEXT NOT NULL,
    points INTEGER NOT NULL CHECK (points > 0), synced INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (business_id, mykey_id));
CREATE TABLE IF NOT EXISTS persons (mykey_id TEXT PRIMARY KEY, name TEXT, birth_date TEXT,
    address TEXT, sex TEXT, phone TEXT, email TEXT, notes TEXT);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS offline_reads (client_ref TEXT PRIMARY KEY, business_id TEXT NOT NULL,
    cert_der BLOB NOT NULL, cert_serial TEXT NOT NULL, read_at TEXT NOT NULL, outcome TEXT,
    mykey_id TEXT, amount INTEGER NOT NULL DEFAULT 0, txn_no TEXT, reason TEXT);
"""
STEPS: tuple[Step, ...] = (script(SCHEMA),)
READ_COLUMNS = ("client_ref, business_id, cert_der, cert_serial, read_at, outcome, mykey_id, "
                "amount, txn_no, reason")


class GrantStore:
    """All local data of the grant support system."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        try:
            upgrade(self._conn, STEPS, str(path))
        except SchemaTooNew as exc:
            self._conn.close()
            raise UserFacingError("local_schema_too_new", path=exc.name, found=exc.found,
                                  known=exc.known) from exc
        self._conn.execute("PRAGMA journal_mode=WAL")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic change: all of it or nothing (Excel import relies on this)."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    # settings (画面69) ---------------------------------------------------------------------
    def chosen_fields(self) -> tuple[str, ...] | None:
        """The optional person fields chosen on 画面69; None before the initial setting."""
        rows = self._rows("SELECT value FROM settings WHERE key = 'person_fields'")
        return tuple(json.loads(rows[0][0])) if rows else None

    def choose_fields(self, fields: tuple[str, ...]) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO settings VALUES ('person_fields', ?)",
                         (json.dumps([f for f in FIELD_KEYS if f in fields]),))

    # businesses -----------------------------------------------------------------------------
    def replace_businesses(self, businesses: list[GrantBusiness]) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM businesses")
            conn.executemany("INSERT INTO businesses VALUES (?, ?)",
                             [(b.business_id, json.dumps(b.__dict__, ensure_ascii=False))
                              for b in businesses])

    def businesses(self) -> list[GrantBusiness]:
        rows = self._rows("SELECT json FROM businesses ORDER BY business_id")
        return [GrantBusiness(**json.loads(r[0])) for r in rows]

    # roster and persons ----------------------------------------------------------------------
    def roster_row(self, business_id: str, mykey_id: str) -> RosterRow | None:
        rows = self._roster_query("WHERE r.business_id = ? AND r.mykey_id = ?",
                                  (business_id, mykey_id))
        return rows[0] if rows else None

    def roster(self, business_id: str) -> list[RosterRow]:
        return self._roster_query("WHERE r.business_id = ?", (business_id,))

    def unsynced(self, business_id: str) -> list[RosterRow]:
        return self._roster_query("WHERE r.business_id = ? AND r.synced = 0", (business_id,))

    def _roster_query(self, where: str, params: tuple[Any, ...]) -> list[RosterRow]:
        sql = ("SELECT r.business_id, r.points, r.synced, r.mykey_id, p.name, p.birth_date, "
               "p.address, p.sex, p.phone, p.email, p.notes FROM roster r LEFT JOIN persons p "
               f"ON p.mykey_id = r.mykey_id {where} ORDER BY r.mykey_id")
        return [RosterRow(r[0], _person(r[3:]), int(r[1]), bool(r[2]))
                for r in self._rows(sql, params)]

    def person(self, mykey_id: str) -> Person | None:
        rows = self._rows(f"SELECT mykey_id, {', '.join(FIELD_KEYS)} FROM persons "
                          "WHERE mykey_id = ?", (mykey_id,))
        return _person(rows[0]) if rows else None

    def put_entry(self, conn: sqlite3.Connection, business_id: str, person: Person,
                  points: int, *, synced: bool = False) -> None:
        """Insert or overwrite one roster row + person row (inside `transaction()`)."""
        conn.execute("INSERT OR REPLACE INTO roster VALUES (?, ?, ?, ?)",
                     (business_id, person.mykey_id, points, int(synced)))
        values = person.to_json()
        conn.execute(f"INSERT OR REPLACE INTO persons VALUES (?, {', '.join('?' * 7)})",
                     (person.mykey_id, *(values[k] for k in FIELD_KEYS)))

    def replace_synced_roster(self, business_id: str, entries: list[tuple[str, int]]) -> None:
        """A mobile device's roster sync: the cloud's list replaces the local one."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM roster WHERE business_id = ?", (business_id,))
            conn.executemany("INSERT INTO roster VALUES (?, ?, ?, 1)",
                             [(business_id, m, p) for m, p in entries])

    def mark_synced(self, business_id: str, mykey_ids: list[str]) -> None:
        with self.transaction() as conn:
            conn.executemany("UPDATE roster SET synced = 1 WHERE business_id = ? AND mykey_id = ?",
                             [(business_id, m) for m in mykey_ids])

    # offline reads (mobile) ------------------------------------------------------------------
    def add_read(self, read: OfflineRead) -> None:
        with self.transaction() as conn:
            conn.execute(f"INSERT INTO offline_reads ({READ_COLUMNS}) VALUES "
                         "(?, ?, ?, ?, ?, NULL, NULL, 0, NULL, NULL)",
                         (read.client_ref, read.business_id, read.cert_der, read.cert_serial,
                          read.read_at))

    def reads(self, business_id: str, *, undecided: bool = False) -> list[OfflineRead]:
        extra = " AND outcome IS NULL" if undecided else ""
        rows = self._rows(f"SELECT {READ_COLUMNS} FROM offline_reads WHERE business_id = ?"
                          f"{extra} ORDER BY read_at, client_ref", (business_id,))
        return [OfflineRead(*r) for r in rows]

    def decide(self, results: list[dict[str, Any]]) -> None:
        """Store the cloud's outcome of each uploaded read (by client_ref)."""
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE offline_reads SET outcome = ?, mykey_id = ?, amount = ?, txn_no = ?, "
                "reason = ? WHERE client_ref = ?",
                [(r["outcome"], r.get("mykey_id"), int(r.get("amount") or 0), r.get("txn_no"),
                  r.get("reason"), r["client_ref"]) for r in results])


def _person(row: tuple[Any, ...]) -> Person:
    values = dict(zip(("mykey_id", *FIELD_KEYS), row, strict=True))
    birth = values.get("birth_date")
    values["birth_date"] = date.fromisoformat(birth) if birth else None
    return Person(**values)
