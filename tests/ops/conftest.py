"""Fixtures of the deployment tests: a private PostgreSQL server and fresh databases on it.

`MYKEY_TEST_DATABASE_URL` (set by `installer/mykey.sh test`) names an admin URL of a running
server; otherwise a throw-away cluster is created with the Debian PostgreSQL binaries (initdb as
user postgres via runuser when running as root), on a free loopback port, and stopped by its
postmaster PID at the end. Without PostgreSQL binaries the tests that need it are skipped.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_ROOT = Path("/usr/lib/postgresql")


@dataclass(frozen=True)
class PgServer:
    """A PostgreSQL server the tests may create databases on."""

    admin_url: str            # SQLAlchemy URL (postgresql+psycopg://…/postgres)
    bin_dir: Path | None      # pg_dump / pg_restore matching the server, when known

    def tool(self, name: str) -> str:
        if self.bin_dir is not None and (self.bin_dir / name).exists():
            return str(self.bin_dir / name)
        found = shutil.which(name)
        if found is None:
            pytest.skip(f"{name} is not installed")
        return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pg_bin() -> Path | None:
    versions = sorted(PG_ROOT.glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return versions[-1].parent if versions else None


def _as_postgres(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def _start_cluster(bin_dir: Path) -> tuple[Path, int]:
    base = Path(tempfile.mkdtemp(prefix="mykey-ops-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    port = free_port()
    initdb = [str(bin_dir / "initdb"), "-D", str(base / "data"), "-U", "postgres", "-A", "trust",
              "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]
    subprocess.run(_as_postgres(initdb), check=True, capture_output=True)
    # A throw-away cluster: durability settings off, it is deleted after the session.
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(base / "data"), "-l",
                                 str(base / "log"), "-w", "-o", options, "start"]),
                   check=True, capture_output=True)
    return base, port


def _stop_cluster(base: Path) -> None:
    pid_file = base / "data" / "postmaster.pid"
    if pid_file.exists():
        pid = int(pid_file.read_text().splitlines()[0])
        os.kill(pid, signal.SIGINT)                     # "fast" shutdown of our postmaster
        _wait_exit(pid)
    shutil.rmtree(base, ignore_errors=True)


def _wait_exit(pid: int) -> None:
    """Wait for a process that is not our child (the postmaster was started by pg_ctl)."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    try:
        import select
        select.select([fd], [], [], 30.0)
    finally:
        os.close(fd)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    url = os.environ.get("MYKEY_TEST_DATABASE_URL")
    bin_dir = _pg_bin()
    if url:
        yield PgServer(url, bin_dir)
        return
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed (Debian package postgresql)")
    base, port = _start_cluster(bin_dir)
    try:
        yield PgServer(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", bin_dir)
    finally:
        _stop_cluster(base)


@pytest.fixture
def pg_database(pg_server: PgServer) -> Iterator[str]:
    """A new, empty database on the server; dropped afterwards. Yields its SQLAlchemy URL."""
    from sqlalchemy import create_engine, text

    name = "ops_" + uuid.uuid4().hex[:12]
    admin = create_engine(pg_server.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    base, _, _ = pg_server.admin_url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
