"""holder certificates are found by issuer and serial

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 14:10:00

A certificate serial is unique only within the CA that issued it: with two JPKI CAs (a key
rollover) one serial can name two people's cards. holder_certificates gets the issuing CA's key
(services/jpki.py issuer_key) and its unique key becomes (kind, issuer, serial). Rows written
before have NULL and are stamped with the issuer at their first read (services/cards.py).
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('holder_certificates') as batch:
        batch.add_column(sa.Column('issuer', sa.String(length=64), nullable=True))
        batch.drop_constraint('uq_holder_certificates_serial', type_='unique')
        batch.create_unique_constraint('uq_holder_certificates_serial',
                                       ['kind', 'issuer', 'serial'])


def downgrade() -> None:
    with op.batch_alter_table('holder_certificates') as batch:
        batch.drop_constraint('uq_holder_certificates_serial', type_='unique')
        batch.create_unique_constraint('uq_holder_certificates_serial', ['kind', 'serial'])
        batch.drop_column('issuer')
