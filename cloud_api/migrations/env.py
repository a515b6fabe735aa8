"""Alembic environment: the cloud's metadata, online migrations only (SQLite in batch mode)."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from cloud_api import models

config = context.config
target_metadata = models.metadata


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url must be set"
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite",
                          compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
