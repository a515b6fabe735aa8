"""Tables of the grant business support system (section V, 画面68-79).

- grant_roster_entries: the 付与事業対象者名簿 — one row per (grant business, MyKey ID) with the
  points one grant gives that person; uploaded by the business-support PCs, synced by the
  mobile grant devices.
- grant_persons: the 対象者マスタ of a municipality, with only the optional fields the
  municipality chose on 画面69 (all nullable: personal data is kept only when asked for).
- grant_upload_batches / grant_upload_items: what a mobile grant device uploaded. Every item is
  keyed by the client-made id the device stored with the card read (`client_ref`, unique per
  terminal), so an upload repeated or cut off half-way grants each person exactly once.
- grant_awards: the grants a grant business made, one per (business, holder, 付与日). The unique
  constraint is the rule 「1つの付与事業で同じ人への付与は1日1回」: two devices (or a device and
  a PC) granting the same person on the same day — even at the same moment — grant once.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from cloud_api.db import Base
from cloud_api.models.ledger import BIGINT

OUTCOMES = ("granted", "not_in_roster", "no_mykey_id", "rejected", "already_granted")


class GrantRosterEntry(Base):
    """One person on a grant business's roster (付与事業ID, マイキーID, 付与ポイント数)."""

    __tablename__ = "grant_roster_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grant_business_id: Mapped[int] = mapped_column(ForeignKey("grant_businesses.id"), index=True)
    mykey_id: Mapped[str] = mapped_column(String(8))
    points: Mapped[int] = mapped_column(Integer)
    source_terminal_id: Mapped[str | None] = mapped_column(ForeignKey("terminals.terminal_id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        UniqueConstraint("grant_business_id", "mykey_id", name="uq_grant_roster_entries_person"),
        CheckConstraint("points > 0", name="points_positive"),
    )


class GrantPerson(Base):
    """A row of the 対象者マスタ: a municipality's record of one MyKey ID holder."""

    __tablename__ = "grant_persons"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"), index=True)
    mykey_id: Mapped[str] = mapped_column(String(8))
    name: Mapped[str | None] = mapped_column(String(50))
    birth_date: Mapped[date | None] = mapped_column(Date)
    address: Mapped[str | None] = mapped_column(String(120))
    sex: Mapped[str | None] = mapped_column(String(8))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(255))
    notes: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        UniqueConstraint("municipality_code", "mykey_id", name="uq_grant_persons_person"),
    )


class GrantUploadBatch(Base):
    """One upload request of a mobile grant device (画面77 「自治体ポイント管理クラウドへ登録」)."""

    __tablename__ = "grant_upload_batches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    terminal_id: Mapped[str] = mapped_column(ForeignKey("terminals.terminal_id"), index=True)
    grant_business_id: Mapped[int] = mapped_column(ForeignKey("grant_businesses.id"))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    item_count: Mapped[int] = mapped_column(Integer)


class GrantUploadItem(Base):
    """One offline card read and what the cloud made of it (granted exactly once, or listed)."""

    __tablename__ = "grant_upload_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("grant_upload_batches.id"), index=True)
    terminal_id: Mapped[str] = mapped_column(ForeignKey("terminals.terminal_id"))
    client_ref: Mapped[str] = mapped_column(String(64))
    grant_business_id: Mapped[int] = mapped_column(ForeignKey("grant_businesses.id"))
    cert_serial: Mapped[str] = mapped_column(String(64))
    mykey_id: Mapped[str | None] = mapped_column(String(8))
    outcome: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(Integer, default=0)
    txn_no: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(40))   # error code of a rejected read
    read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        UniqueConstraint("terminal_id", "client_ref", name="uq_grant_upload_items_ref"),
        CheckConstraint(f"outcome IN {OUTCOMES!r}", name="outcome"),
        CheckConstraint("amount >= 0", name="amount_nonneg"),
    )


class GrantAward(Base):
    """One grant of a grant business to one holder on one 付与日 (the JST day of the participation:
    the card read on a mobile device, the date the clerk grants for on 画面73)."""

    __tablename__ = "grant_awards"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grant_business_id: Mapped[int] = mapped_column(ForeignKey("grant_businesses.id"))
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    grant_date: Mapped[date] = mapped_column(Date)
    mykey_id: Mapped[str] = mapped_column(String(8))
    amount: Mapped[int] = mapped_column(Integer)
    txn_id: Mapped[int] = mapped_column(BIGINT, ForeignKey("journal_txns.id"), unique=True)
    txn_no: Mapped[str] = mapped_column(String(13))
    terminal_id: Mapped[str] = mapped_column(ForeignKey("terminals.terminal_id"))
    client_ref: Mapped[str] = mapped_column(String(64))   # upload item id or the request's ref
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        UniqueConstraint("grant_business_id", "holder_id", "grant_date",
                         name="uq_grant_awards_once_a_day"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )
