"""GIVEN an empty database WHEN `init-db` migrates it THEN the schema is exactly the models."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from cloud_api import models
from cloud_api.migrations import INITIAL_REV, alembic_config, upgrade


def _assert_schema_at_head(db_url: str) -> None:
    """The database is at the head revision and its schema is exactly the models'."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, models.metadata)
            head = ScriptDirectory.from_config(alembic_config(db_url)).get_current_head()
            assert ctx.get_current_revision() == head
        assert diff == [], "regenerate: python -m cloud_api.migrations regenerate"
        assert set(inspect(engine).get_table_names()) >= set(models.metadata.tables)
    finally:
        engine.dispose()


def test_upgrade_from_empty_matches_the_models(db_url: str) -> None:
    upgrade(db_url)
    _assert_schema_at_head(db_url)


def test_upgrade_twice_is_harmless(db_url: str) -> None:
    upgrade(db_url)
    upgrade(db_url)
    _assert_schema_at_head(db_url)


def test_history_is_linear_from_the_initial_revision() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1
    assert [r.revision for r in script.walk_revisions()][-1] == INITIAL_REV


@pytest.mark.postgres_only("SQLite has no stored functions: the Python ledger is used there")
def test_migrated_ledger_functions_equal_the_models(db_url: str) -> None:
    """GIVEN PostgreSQL WHEN migrated from empty and WHEN made by create_all THEN the ledger's
    PL/pgSQL functions are the same (a migration keeps its own copy of the function text)."""
    from sqlalchemy import text

    from cloud_api.models.ledger_functions import FUNCTIONS

    upgrade(db_url)
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            for function in FUNCTIONS:
                name = function.split("FUNCTION ")[1].split("(")[0]
                migrated = conn.execute(text("SELECT prosrc FROM pg_proc WHERE proname = :n"),
                                        {"n": name}).scalar_one()
                assert migrated.strip() == function.split("$fn$")[1].strip(), name
        assert len(FUNCTIONS) == 2
    finally:
        engine.dispose()


@pytest.mark.postgres_only("SQLite has no stored functions")
def test_downgrading_0007_restores_the_ledger_debit_of_0005(db_url: str) -> None:
    """GIVEN PostgreSQL at head WHEN downgraded to 0006 THEN ledger_debit is revision 0005's
    again (it walks every lot), and upgraded again it is the models' (usable lots only)."""
    from alembic import command
    from sqlalchemy import text

    from cloud_api.models.ledger_functions import LEDGER_DEBIT

    def source() -> str:
        with engine.connect() as conn:
            return str(conn.execute(text("SELECT prosrc FROM pg_proc WHERE proname = "
                                         "'ledger_debit'")).scalar_one()).strip()

    upgrade(db_url)
    engine = create_engine(db_url)
    try:
        command.downgrade(alembic_config(db_url), "0006")
        old = source()
        assert "v_book := v_book + v_lot.remaining" in old and "expires_on >= p_day" not in old
        upgrade(db_url)
        assert source() == LEDGER_DEBIT.split("$fn$")[1].strip()
    finally:
        engine.dispose()
