"""partner transfers (応援ポイント移行)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 17:50:00

The partners and partner_transfers tables (cloud_api/models/partners.py), and the ledger's new
account kinds (reserve, partner) and transaction kind (partner_transfer) in its CHECK constraints.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_ACCOUNT_KINDS = "('holder', 'issuance', 'escrow', 'merge', 'settlement', 'expired')"
NEW_ACCOUNT_KINDS = ("('holder', 'issuance', 'escrow', 'merge', 'settlement', 'expired', "
                     "'reserve', 'partner')")
OLD_TXN_KINDS = ("('grant', 'spend', 'voucher_issue', 'voucher_redeem', 'voucher_lapse', "
                 "'merge', 'expiry', 'correction')")
NEW_TXN_KINDS = OLD_TXN_KINDS[:-1] + ", 'partner_transfer')"


def _checks(account_kinds: str, holder_kinds: str, txn_kinds: str) -> None:
    with op.batch_alter_table('ledger_accounts', recreate='auto') as batch_op:
        batch_op.drop_constraint(op.f('ck_ledger_accounts_kind'), type_='check')
        batch_op.drop_constraint(op.f('ck_ledger_accounts_holder_only_holder'), type_='check')
        batch_op.create_check_constraint('kind', f"kind IN {account_kinds}")
        batch_op.create_check_constraint('holder_only_holder',
                                         f"(kind IN {holder_kinds}) = (holder_id IS NOT NULL)")
    with op.batch_alter_table('journal_txns', recreate='auto') as batch_op:
        batch_op.drop_constraint(op.f('ck_journal_txns_kind'), type_='check')
        batch_op.create_check_constraint('kind', f"kind IN {txn_kinds}")


def upgrade() -> None:
    op.create_table('partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('partner_points', sa.Integer(), nullable=False),
    sa.Column('support_points', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.CheckConstraint('partner_points > 0 AND support_points > 0', name=op.f('ck_partners_rate_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partners')),
    sa.UniqueConstraint('name', name=op.f('uq_partners_name'))
    )
    op.create_table('partner_transfers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('partner_ref', sa.String(length=64), nullable=False),
    sa.Column('txn_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('executed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('mykey_id', sa.String(length=8), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=True),
    sa.Column('destination_name', sa.String(length=50), nullable=False),
    sa.Column('partner_amount', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.CheckConstraint('amount > 0 AND partner_amount > 0', name=op.f('ck_partner_transfers_amount_positive')),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_partner_transfers_partner_id_partners')),
    sa.ForeignKeyConstraint(['txn_id'], ['journal_txns.id'], name=op.f('fk_partner_transfers_txn_id_journal_txns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_transfers')),
    sa.UniqueConstraint('partner_id', 'partner_ref', name='uq_partner_transfers_partner_ref'),
    sa.UniqueConstraint('txn_id', name=op.f('uq_partner_transfers_txn_id'))
    )
    op.create_index('ix_partner_transfers_partner_executed', 'partner_transfers', ['partner_id', 'executed_at'], unique=False)
    op.create_index('ix_partner_transfers_point_executed', 'partner_transfers', ['point_id', 'executed_at'], unique=False)
    _checks(NEW_ACCOUNT_KINDS, "('holder', 'reserve')", NEW_TXN_KINDS)


def downgrade() -> None:
    _checks(OLD_ACCOUNT_KINDS, "('holder')", OLD_TXN_KINDS)
    op.drop_index('ix_partner_transfers_point_executed', table_name='partner_transfers')
    op.drop_index('ix_partner_transfers_partner_executed', table_name='partner_transfers')
    op.drop_table('partner_transfers')
    op.drop_table('partners')
