"""Regional-economy support point partner companies (応援ポイント協力会社) and their transfers.

A partner (e.g. JAL) converts its own points into support points at a rate kept as data
(`partner_points` of the partner = `support_points` here). Each conversion the partner reports
becomes one `PartnerTransfer`, tied to exactly one ledger transaction of kind partner_transfer;
(partner_id, partner_ref) is unique so a re-sent batch applies nothing twice.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from cloud_api.db import Base
from cloud_api.models.ledger import BIGINT

RESERVE_POINT_ID = 0   # JournalTxn.point_id of a transfer into the 留保ポイント (no municipality)


class Partner(Base):
    """A partner company and its exchange rate (partner points → support points)."""

    __tablename__ = "partners"
    __table_args__ = (
        CheckConstraint("partner_points > 0 AND support_points > 0", name="rate_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)   # console partner_name, e.g. JAL
    partner_points: Mapped[int] = mapped_column(Integer)          # e.g. 200 (マイル)
    support_points: Mapped[int] = mapped_column(Integer)          # e.g. 1000
    unit: Mapped[str] = mapped_column(String(20))                 # the partner's unit, e.g. マイル


class PartnerTransfer(Base):
    """One conversion reported by a partner, applied once as a ledger transaction."""

    __tablename__ = "partner_transfers"
    __table_args__ = (
        UniqueConstraint("partner_id", "partner_ref", name="uq_partner_transfers_partner_ref"),
        CheckConstraint("amount > 0 AND partner_amount > 0", name="amount_positive"),
        Index("ix_partner_transfers_partner_executed", "partner_id", "executed_at"),
        Index("ix_partner_transfers_point_executed", "point_id", "executed_at"),
    )

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True, autoincrement=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    partner_ref: Mapped[str] = mapped_column(String(64))
    txn_id: Mapped[int] = mapped_column(ForeignKey("journal_txns.id"), unique=True)
    executed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    holder_id: Mapped[int] = mapped_column(Integer)
    mykey_id: Mapped[str] = mapped_column(String(8))                # snapshot for reports
    point_id: Mapped[int | None] = mapped_column(Integer)           # NULL: 留保ポイント
    destination_name: Mapped[str] = mapped_column(String(50))       # 移行先, snapshot
    partner_amount: Mapped[int] = mapped_column(BIGINT)             # in the partner's unit
    amount: Mapped[int] = mapped_column(BIGINT)                     # support points credited
