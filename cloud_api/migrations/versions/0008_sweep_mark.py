"""the expiry sweep's mark, and lots by expiry day

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 00:30:00

sweep_marks (cloud_api/models/ledger.py: SweepMark) holds the day before which every lot and
voucher is closed, so the sweep reads only what expired since (cloud_api/services/ledger/sweep.py);
ix_lots_expires_on finds those lots. Until the first sweep after the upgrade has run to its end
there is no mark, and that sweep reads every expired lot once, as before.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sweep_marks',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('swept_before', sa.Date(), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_sweep_marks_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sweep_marks'))
    )
    op.create_index('ix_lots_expires_on', 'lots', ['expires_on'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_lots_expires_on', table_name='lots')
    op.drop_table('sweep_marks')
