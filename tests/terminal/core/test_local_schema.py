"""GIVEN the terminal's three local SQLite files as version 1 wrote them (no schema version yet)
WHEN the new code opens them THEN they are upgraded to the latest version with every row intact;
a file of a newer version is refused in Japanese and left byte-identical; a step that fails
midway (or a process killed midway) leaves the previous version and its data."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from terminal_app import merge_receive
from terminal_app.domain.errors import UserFacingError
from terminal_app.grant_support import store as grant_store
from terminal_app.grant_support.store import GrantStore
from terminal_app.local_schema import SchemaTooNew, Step, script, upgrade
from terminal_app.outbox import store as outbox_store
from terminal_app.outbox.store import OutboxStore

# -- version 1 exactly as the code of version 1 created it (copied, never imported) ---------------
OUTBOX_V1 = """
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
GRANT_V1 = """
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
RECEIVED_V1 = ("CREATE TABLE IF NOT EXISTS received (transfer_key TEXT PRIMARY KEY, "
               "customer_id TEXT NOT NULL, points INTEGER NOT NULL CHECK (points > 0), "
               "file TEXT NOT NULL, format TEXT NOT NULL, received_at TEXT NOT NULL)")

# (key, method, path) of every request version 1 could write -> the kind derived for it
OUTBOX_ROWS = {
    ("k-register", "POST", "/api/v1/terminals/register"): "register",
    ("k-contact", "PUT", "/api/v1/terminal/contact"): "contact",
    ("k-service-id", "POST", "/api/v1/service-ids"): "service_id",
    ("k-spend", "POST", "/api/v1/spend"): "spend",
    ("k-voucher", "POST", "/api/v1/vouchers"): "voucher_issue",
    ("k-redeem", "POST", "/api/v1/vouchers/123456789012/redeem"): "voucher_redeem",
    ("k-reprint", "POST", "/api/v1/vouchers/123456789012/reprint"): "voucher_reprint",
    ("k-merge", "POST", "/api/v1/merges"): "merge",
    ("k-mykey", "POST", "/api/v1/mykey"): "mykey_create",
    ("k-roster", "POST", "/api/v1/grant-businesses/G0001/roster"): "grant_roster",
    ("k-grant", "POST", "/api/v1/grant-businesses/G0001/grants"): "grant",
    ("k-unknown", "POST", "/api/v1/something-else"): None,
}


def v1_file(path: Path, ddl: str, inserts: list[tuple[str, tuple[object, ...]]]) -> Path:
    """A file as version 1 left it: its tables, its rows, user_version 0; WAL like the app."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(ddl)
    for sql, params in inserts:
        db.execute(sql, params)
    db.commit()
    db.close()
    return path


def outbox_v1(path: Path) -> Path:
    return v1_file(path, OUTBOX_V1, [
        ("INSERT INTO outbox VALUES (?, ?, ?, ?, ?, 2, ?, ?, 1700000000.5, 1700000001.5)",
         (key, method, route, f"body of {key}".encode(), "done" if key == "k-spend" else "pending",
          201 if key == "k-spend" else None, b'{"txn_no":"1"}' if key == "k-spend" else None))
        for key, method, route in OUTBOX_ROWS])


def grant_v1(path: Path) -> Path:
    return v1_file(path, GRANT_V1, [
        ("INSERT INTO businesses VALUES ('G0001', '{}')", ()),
        ("INSERT INTO roster VALUES ('G0001', 'AB12CD34', 500, 0)", ()),
        (("INSERT INTO persons VALUES ('AB12CD34', '山田太郎', '1937-01-01', NULL, NULL, NULL,"
         " NULL, NULL)"), ()),
        ("INSERT INTO settings VALUES ('person_fields', '[\"name\"]')", ()),
        (("INSERT INTO offline_reads VALUES ('r-1', 'G0001', x'3082', '0A', '2026-11-22T10:00',"
         " NULL, NULL, 0, NULL, NULL)"), ())])


def received_v1(folder: Path) -> Path:
    return v1_file(folder / "received.sqlite3", RECEIVED_V1, [
        (("INSERT INTO received VALUES ('000000000000000000000000001', 'C-1', 300, 'a.mkm2', 'v2',"
         " '2026-01-01T00:00:00+00:00')"), ())])


def user_version(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute("PRAGMA user_version").fetchone()[0])
    finally:
        db.close()


def rows(path: Path, table: str) -> list[tuple[object, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
    finally:
        db.close()


def stamped_newer(path: Path, version: int = 99) -> bytes:
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {version}")
    db.close()
    return path.read_bytes()


def failing_after(step: Step) -> Step:
    """A step that does its work (or part of it) and then fails before the version bump."""
    def run(conn: sqlite3.Connection) -> None:
        step(conn)
        raise RuntimeError("power cut in the middle of the step")
    return run


# -- the outbox -----------------------------------------------------------------------------
def test_outbox_v1_is_upgraded_and_every_row_gets_its_kind(tmp_path: Path) -> None:
    path = outbox_v1(tmp_path / "outbox.sqlite3")
    store = OutboxStore(path)
    try:
        for (key, method, route), kind in OUTBOX_ROWS.items():
            entry = store.get(key)
            assert entry is not None
            assert (entry.method, entry.path, entry.body, entry.kind) == (
                method, route, f"body of {key}".encode(), kind)
            assert entry.attempts == 2 and entry.created_at == 1700000000.5
        done = store.get("k-spend")
        assert done is not None and (done.state, done.status, done.response) == (
            "done", 201, b'{"txn_no":"1"}')
        assert len(store.pending()) == len(OUTBOX_ROWS) - 1
    finally:
        store.close()
    assert user_version(path) == len(outbox_store.STEPS) == 2


def test_new_outbox_goes_through_the_same_steps_and_records_the_kind(tmp_path: Path) -> None:
    store = OutboxStore(tmp_path / "outbox.sqlite3")
    try:
        store.add("k-1", "POST", "/api/v1/merges", b"{}", "merge")
        entry = store.get("k-1")
        assert entry is not None and entry.kind == "merge"
    finally:
        store.close()
    assert user_version(tmp_path / "outbox.sqlite3") == 2


def test_outbox_of_a_newer_version_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = outbox_v1(tmp_path / "outbox.sqlite3")
    before = stamped_newer(path)
    with pytest.raises(UserFacingError) as info:
        OutboxStore(path)
    assert info.value.code == "local_schema_too_new"
    assert "新しいバージョン" in info.value.message and "形式 99" in info.value.message
    assert path.read_bytes() == before


def test_outbox_step_failing_midway_leaves_version_1_and_its_rows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = outbox_v1(tmp_path / "outbox.sqlite3")
    # the real steps, the second one broken after its work
    monkeypatch.setattr(outbox_store, "STEPS",
                        (outbox_store.STEPS[0], failing_after(outbox_store.STEPS[1])))
    with pytest.raises(RuntimeError, match="power cut"):
        OutboxStore(path)
    assert user_version(path) == 1
    columns = [c[1] for c in sqlite3.connect(path).execute("PRAGMA table_info(outbox)")]
    assert "kind" not in columns and len(rows(path, "outbox")) == len(OUTBOX_ROWS)
    monkeypatch.undo()
    store = OutboxStore(path)   # the next start finishes the upgrade
    try:
        entry = store.get("k-merge")
        assert entry is not None and entry.kind == "merge"
    finally:
        store.close()


KILL_MIDWAY = """
import os, sqlite3, sys
from terminal_app.local_schema import upgrade
from terminal_app.outbox import store
def dies(conn):
    conn.execute("ALTER TABLE outbox ADD COLUMN kind TEXT")
    conn.execute("UPDATE outbox SET kind = 'spend'")
    os._exit(3)   # the process is killed: no ROLLBACK, no COMMIT
db = sqlite3.connect(sys.argv[1], isolation_level=None)
upgrade(db, store.STEPS[:1], sys.argv[1])   # version 1 stamped and committed
upgrade(db, (store.STEPS[0], dies), sys.argv[1])
"""


def test_a_process_killed_inside_a_step_leaves_the_previous_version(tmp_path: Path) -> None:
    path = outbox_v1(tmp_path / "outbox.sqlite3")
    before = rows(path, "outbox")
    done = subprocess.run([sys.executable, "-c", KILL_MIDWAY, str(path)], check=False,
                          cwd=Path(__file__).resolve().parents[3], timeout=60)
    assert done.returncode == 3
    assert user_version(path) == 1 and rows(path, "outbox") == before   # no kind column either
    store = OutboxStore(path)
    try:
        entry = store.get("k-voucher")
        assert entry is not None and entry.kind == "voucher_issue"
    finally:
        store.close()


# -- the grant support store ----------------------------------------------------------------
def test_grant_store_v1_is_stamped_with_its_rows_intact(tmp_path: Path) -> None:
    path = grant_v1(tmp_path / "grant_support.sqlite3")
    before = {t: rows(path, t) for t in ("businesses", "roster", "persons", "settings",
                                         "offline_reads")}
    store = GrantStore(path)
    try:
        assert store.chosen_fields() == ("name",)
        row = store.roster_row("G0001", "AB12CD34")
        assert row is not None and row.points == 500 and row.person.name == "山田太郎"
        assert [r.client_ref for r in store.reads("G0001", undecided=True)] == ["r-1"]
    finally:
        store.close()
    assert user_version(path) == len(grant_store.STEPS) == 1
    assert {t: rows(path, t) for t in before} == before


def test_grant_store_of_a_newer_version_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = grant_v1(tmp_path / "grant_support.sqlite3")
    before = stamped_newer(path, 2)
    with pytest.raises(UserFacingError, match="新しいバージョン") as info:
        GrantStore(path)
    assert info.value.code == "local_schema_too_new"
    assert path.read_bytes() == before


def test_grant_store_step_failing_midway_leaves_version_1(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = grant_v1(tmp_path / "grant_support.sqlite3")
    GrantStore(path).close()   # stamped v1
    monkeypatch.setattr(grant_store, "STEPS", (*grant_store.STEPS, failing_after(script(
        "ALTER TABLE roster ADD COLUMN note TEXT; UPDATE roster SET points = 1"))))
    with pytest.raises(RuntimeError, match="power cut"):
        GrantStore(path)
    assert user_version(path) == 1
    assert rows(path, "roster") == [("G0001", "AB12CD34", 500, 0)]


# -- the merge receiver's received.sqlite3 ------------------------------------------------------
def test_received_v1_is_stamped_and_still_refuses_a_received_number(tmp_path: Path) -> None:
    received_v1(tmp_path)
    report = merge_receive.receive_folder(tmp_path, b"k" * 16, "secret")
    assert report.accepted == [] and report.rejected == []
    assert user_version(tmp_path / "received.sqlite3") == len(merge_receive.STEPS) == 1
    db = merge_receive._open_db(tmp_path)
    try:
        with pytest.raises(merge_receive.Rejected, match="duplicate"):
            merge_receive._remember(db, merge_receive.Transfer(
                "C-1", 300, "000000000000000000000000001", "b.mkm2", "v2"))
    finally:
        db.close()


def test_received_of_a_newer_version_is_refused_and_nothing_is_processed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = received_v1(tmp_path)
    before = stamped_newer(path, 5)
    (tmp_path / "x.mkm2").write_bytes(b"MKM2" + b"\0" * 40)
    code = merge_receive.main([str(tmp_path), "--key-hex", "00" * 16])
    assert code == 2
    assert "新しいバージョン" in capsys.readouterr().err
    assert path.read_bytes() == before and (tmp_path / "x.mkm2").exists()
    assert not (tmp_path / "rejected").exists()


def test_received_step_failing_midway_leaves_version_1(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = received_v1(tmp_path)
    merge_receive._open_db(tmp_path).close()
    monkeypatch.setattr(merge_receive, "STEPS", (*merge_receive.STEPS, failing_after(script(
        "DELETE FROM received"))))
    with pytest.raises(RuntimeError, match="power cut"):
        merge_receive.receive_folder(tmp_path, b"k" * 16, "secret")
    assert user_version(path) == 1 and len(rows(path, "received")) == 1


# -- the helper itself ---------------------------------------------------------------------
def test_an_empty_file_is_built_from_version_0_through_every_step(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "x.sqlite3", isolation_level=None)
    steps = (script("CREATE TABLE t (a INTEGER)"), script("ALTER TABLE t ADD COLUMN b TEXT"))
    assert upgrade(db, steps, "x") == 2 and upgrade(db, steps, "x") == 2
    assert [c[1] for c in db.execute("PRAGMA table_info(t)")] == ["a", "b"]
    with pytest.raises(SchemaTooNew):
        upgrade(db, steps[:1], "x")
    db.close()
