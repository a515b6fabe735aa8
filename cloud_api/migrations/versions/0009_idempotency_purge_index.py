"""idempotency records by creation time, for the daily purge

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 02:30:00

The sweep deletes the idempotency records older than their retention
(cloud_api/services/idempotency.py: purge). Without an index that read the whole table every
day. created_at grows with the insertion order, so PostgreSQL gets a BRIN index: a few pages,
next to nothing per insert, and the purge reads only the page ranges that can hold old records.
SQLite gets an ordinary index.
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_idempotency_records_created_at', 'idempotency_records', ['created_at'],
                    unique=False, postgresql_using='brin')


def downgrade() -> None:
    op.drop_index('ix_idempotency_records_created_at', table_name='idempotency_records')
