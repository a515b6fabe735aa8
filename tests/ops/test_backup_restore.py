"""GIVEN a PostgreSQL database with data WHEN installer/server/backup.sh and restore.sh run
THEN dumps are verified and rotated, and a restore brings back exactly the backed-up state."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.ops.conftest import ROOT, PgServer

BACKUP = ROOT / "installer" / "server" / "backup.sh"
RESTORE = ROOT / "installer" / "server" / "restore.sh"


def _env(pg_server: PgServer, url: str, backups: Path, keep: int = 2) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "MYKEY_BACKUP_DIR": str(backups),
            "MYKEY_BACKUP_KEEP": str(keep), "PG_DUMP": pg_server.tool("pg_dump"),
            "PG_RESTORE": pg_server.tool("pg_restore")}


def _run(script: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(script), *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def _sql(url: str, *statements: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            rows: list[tuple[object, ...]] = []
            for statement in statements:
                result = conn.execute(text(statement))
                rows = [tuple(r) for r in result] if result.returns_rows else rows
            return rows
    finally:
        engine.dispose()


def _notes(url: str) -> list[str]:
    return [str(r[0]) for r in _sql(url, "SELECT note FROM journal ORDER BY id")]


@pytest.fixture
def journal(pg_database: str) -> str:
    _sql(pg_database,
         "CREATE TABLE journal (id serial PRIMARY KEY, note text NOT NULL,"
         " points integer NOT NULL CHECK (points >= 0))",
         "INSERT INTO journal (note, points) VALUES ('川崎市 付与', 500), ('豊島区 利用', 0)")
    return pg_database


def test_given_three_backups_when_keep_is_two_then_the_two_newest_remain(
        pg_server, journal, tmp_path):
    backups = tmp_path / "backups"
    env = _env(pg_server, journal, backups, keep=2)
    made = []
    for i in range(3):
        _sql(journal, f"INSERT INTO journal (note, points) VALUES ('run {i}', {i})")
        done = _run(BACKUP, env)
        assert done.returncode == 0, done.stderr
        made.append(max(p.name for p in backups.glob("mykey-*.dump")))
    assert sorted(p.name for p in backups.glob("mykey-*.dump")) == made[1:]
    assert not list(backups.glob("*.partial"))
    assert "CHANGE" not in done.stderr and "postgresql+psycopg" not in done.stderr


def test_given_a_backup_when_data_is_lost_and_restored_then_it_is_back_exactly(
        pg_server, journal, tmp_path):
    backups = tmp_path / "backups"
    env = _env(pg_server, journal, backups)
    assert _run(BACKUP, env).returncode == 0
    before = _notes(journal)
    _sql(journal, "DELETE FROM journal WHERE points > 0", "INSERT INTO journal (note, points)"
         " VALUES ('after the backup', 7)")
    dry = _run(RESTORE, env, "latest")
    assert dry.returncode == 0 and "dry run" in dry.stderr
    assert _notes(journal) == ["豊島区 利用", "after the backup"]      # a dry run changes nothing
    done = _run(RESTORE, env, "latest", "--yes")
    assert done.returncode == 0, done.stderr
    assert _notes(journal) == before == ["川崎市 付与", "豊島区 利用"]


def test_given_a_file_that_is_not_a_dump_when_restored_then_it_fails_and_changes_nothing(
        pg_server, journal, tmp_path):
    bogus = tmp_path / "mykey-20261122T000000.000Z.dump"
    bogus.write_bytes(b"not a pg_dump archive")
    env = _env(pg_server, journal, tmp_path)
    done = _run(RESTORE, env, str(bogus), "--yes")
    assert done.returncode != 0 and "not a pg_dump custom-format archive" in done.stderr
    assert _notes(journal) == ["川崎市 付与", "豊島区 利用"]


def test_given_a_bad_keep_count_when_backing_up_then_it_refuses_before_dumping(
        pg_server, journal, tmp_path):
    env = _env(pg_server, journal, tmp_path / "backups", keep=0)
    done = _run(BACKUP, env)
    assert done.returncode != 0 and "MYKEY_BACKUP_KEEP" in done.stderr
    assert not (tmp_path / "backups").exists()


def test_given_a_sqlite_url_when_backing_up_then_a_clear_refusal(pg_server, tmp_path):
    env = _env(pg_server, f"sqlite:///{tmp_path / 'cloud.sqlite3'}", tmp_path / "b")
    done = _run(BACKUP, env)
    assert done.returncode != 0 and "only PostgreSQL" in done.stderr
