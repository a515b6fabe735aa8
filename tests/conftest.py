"""Suite-wide fixtures: headless Qt, and a fresh database per test (SQLite or PostgreSQL).

`MYKEY_TEST_DB=postgres` (set by `installer/mykey.sh test` on its second pass) makes `db_url`
hand out a new, empty database on the private PostgreSQL server named by
`MYKEY_TEST_DATABASE_URL`; otherwise it is a SQLite file in the test's tmp_path.
Tests that use a database are marked `db` so that the second pass selects them. A test marked
`postgres_only("why not on SQLite")` is a database test too, and is skipped, with that reason, on
the SQLite pass.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")


def _on_postgres() -> bool:
    return os.environ.get("MYKEY_TEST_DB") == "postgres"


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    if not _on_postgres():
        yield f"sqlite:///{tmp_path / 'cloud.sqlite3'}"
        return
    from sqlalchemy import create_engine, text

    admin_url = os.environ["MYKEY_TEST_DATABASE_URL"]
    name = "t_" + uuid.uuid4().hex[:16]
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    base, _, _ = admin_url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that ask for a database are database tests (selected again on PostgreSQL);
    PostgreSQL-only tests are database tests that skip on SQLite."""
    for item in items:
        postgres_only = item.get_closest_marker("postgres_only")
        if postgres_only or "db_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)
        if postgres_only and not _on_postgres():
            why = postgres_only.kwargs.get("reason") or next(iter(postgres_only.args), "")
            item.add_marker(pytest.mark.skip(
                reason=f"PostgreSQL only (MYKEY_TEST_DB=postgres){': ' + why if why else ''}"))
