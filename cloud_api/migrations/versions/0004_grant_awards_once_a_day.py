"""grant awards once a day

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 18:41:31

The grant_awards table (cloud_api/models/grants.py): one row per grant of a grant business to a
holder, unique per (business, holder, 付与日), so two devices never grant one person twice on a
day; and the mobile upload outcome 'already_granted' in grant_upload_items' CHECK (altered in
place on PostgreSQL, batch-recreated on SQLite). Grants made before this revision have no award
row: the rule holds from the upgrade on.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_OUTCOMES = "('granted', 'not_in_roster', 'no_mykey_id', 'rejected')"
NEW_OUTCOMES = "('granted', 'not_in_roster', 'no_mykey_id', 'rejected', 'already_granted')"


def _outcomes(outcomes: str) -> None:
    with op.batch_alter_table('grant_upload_items', recreate='auto') as batch_op:
        batch_op.drop_constraint(op.f('ck_grant_upload_items_outcome'), type_='check')
        batch_op.create_check_constraint('outcome', f"outcome IN {outcomes}")


def upgrade() -> None:
    op.create_table('grant_awards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_business_id', sa.Integer(), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('grant_date', sa.Date(), nullable=False),
    sa.Column('mykey_id', sa.String(length=8), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('txn_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('txn_no', sa.String(length=13), nullable=False),
    sa.Column('terminal_id', sa.String(length=8), nullable=False),
    sa.Column('client_ref', sa.String(length=64), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_grant_awards_amount_positive')),
    sa.ForeignKeyConstraint(['grant_business_id'], ['grant_businesses.id'], name=op.f('fk_grant_awards_grant_business_id_grant_businesses')),
    sa.ForeignKeyConstraint(['holder_id'], ['holders.id'], name=op.f('fk_grant_awards_holder_id_holders')),
    sa.ForeignKeyConstraint(['terminal_id'], ['terminals.terminal_id'], name=op.f('fk_grant_awards_terminal_id_terminals')),
    sa.ForeignKeyConstraint(['txn_id'], ['journal_txns.id'], name=op.f('fk_grant_awards_txn_id_journal_txns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_awards')),
    sa.UniqueConstraint('grant_business_id', 'holder_id', 'grant_date', name='uq_grant_awards_once_a_day'),
    sa.UniqueConstraint('txn_id', name=op.f('uq_grant_awards_txn_id'))
    )
    op.create_index(op.f('ix_grant_awards_holder_id'), 'grant_awards', ['holder_id'], unique=False)
    _outcomes(NEW_OUTCOMES)


def downgrade() -> None:
    op.execute("UPDATE grant_upload_items SET outcome = 'rejected', reason = 'already_granted' "
               "WHERE outcome = 'already_granted'")
    _outcomes(OLD_OUTCOMES)
    op.drop_index(op.f('ix_grant_awards_holder_id'), table_name='grant_awards')
    op.drop_table('grant_awards')
