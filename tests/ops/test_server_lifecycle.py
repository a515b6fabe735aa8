"""GIVEN an empty PostgreSQL database WHEN the cloud is started through its production entry
point (`mykey-cloud init-db`, then `mykey-cloud serve` as a subprocess) THEN the schema is
migrated from empty, /api/v1/health answers, SIGTERM stops it cleanly, and data survives a
restart. Skipped until the cloud team's commands exist."""
from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from tests.ops.conftest import free_port

START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0


def cli() -> list[str]:
    """The installed console script, as a deployment runs it."""
    script = Path(sys.executable).with_name("mykey-cloud")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cloud_api.cli"]


@pytest.fixture
def cloud_env(pg_database: str, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": pg_database, "MYKEY_CLOUD_HOME": str(tmp_path / "home"),
            "MYKEY_SECRET_KEY": secrets.token_hex(32), "PYTHONUNBUFFERED": "1"}


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([*cli(), *args], env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, f"mykey-cloud {' '.join(args)}: {done.stderr[-2000:]}"
    return done


def get_json(port: int, path: str) -> object:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
        return json.loads(response.read().decode("utf-8"))


def wait_healthy(proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
    """Poll the liveness probe (as a load balancer does) until it answers or the server dies."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"serve exited with {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            if get_json(port, "/api/v1/health") == {"status": "ok"}:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    pytest.fail(f"no health answer within {START_TIMEOUT_S} s: {log.read_text()[-2000:]}")


@contextmanager
def serving(env: dict[str, str], log: Path) -> Iterator[int]:
    """`mykey-cloud serve` on a free port; stopped with SIGTERM to its PID (graceful)."""
    port = free_port()
    with log.open("ab") as sink:
        proc = subprocess.Popen([*cli(), "serve", "--host", "127.0.0.1", "--port", str(port),
                                 "--workers", "2"], env=env, stdout=sink, stderr=sink)
    try:
        wait_healthy(proc, port, log)
        yield port
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            pytest.fail("serve did not stop on SIGTERM")
    assert proc.returncode in (0, -signal.SIGTERM), log.read_text()[-2000:]


def table_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        names = [n for n in inspect(engine).get_table_names() if n != "alembic_version"]
        with engine.connect() as conn:
            return {n: int(conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one())
                    for n in names}
    finally:
        engine.dispose()


def alembic_version(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))]
    finally:
        engine.dispose()


def test_given_an_empty_database_when_init_db_runs_twice_then_schema_at_head_once(cloud_env):
    url = cloud_env["DATABASE_URL"]
    assert table_counts(url) == {}
    run_cli(cloud_env, "init-db")
    head = alembic_version(url)
    assert len(head) == 1 and len(table_counts(url)) > 5
    run_cli(cloud_env, "init-db")
    assert alembic_version(url) == head


def test_given_demo_data_when_the_server_restarts_then_the_data_is_still_there(cloud_env,
                                                                              tmp_path):
    """Also: health and meta answer, SIGTERM stops the server cleanly (checked by `serving`)."""
    url, log = cloud_env["DATABASE_URL"], tmp_path / "serve.log"
    run_cli(cloud_env, "init-db")
    with serving(cloud_env, log) as port:
        meta = get_json(port, "/api/v1/meta")
        assert isinstance(meta, dict) and meta["api_version"] == "1"
        run_cli(cloud_env, "demo-data")
        before = table_counts(url)
    assert sum(before.values()) > 0
    run_cli(cloud_env, "init-db")                     # what the unit does on every start
    with serving(cloud_env, log) as port:
        assert get_json(port, "/api/v1/health") == {"status": "ok"}
        assert table_counts(url) == before
