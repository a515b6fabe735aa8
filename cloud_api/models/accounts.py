"""Accounts of the MyKey platform: municipalities, points, ID businesses, terminals, holders.

Tables (created by the initial Alembic revision):
- municipalities (画面4), points + event_targets (画面5-1/5-2), id_businesses,
  terminals (様式II, 画面9/10) + terminal_nonces (replay protection),
- holders, mykey_id_registry (every MyKey ID ever assigned, never reused),
  holder_certificates (auth/sign certificate serials with history), cert_links (J-LIS style
  old→new serial records for re-issued cards), mykey_challenges (画面16 kiosk sessions),
- service_ids (画面23-26, corrections kept as inactive rows), grant_businesses (画面63).

Other areas keep their own modules: partners.py (協力会社 and their transfers; 留保ポイント are
the holder's RESERVE ledger account), grants.py (grant business rosters, uploads and awards),
ledger.py, console.py. Not built yet (room kept, no code): coupon_codes (クーポン連携,
画面20/21), external_point_programs, paid_grant_orders (spec sections 8-9).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from cloud_api.db import Base

CATEGORIES = ("A", "I", "U", "E")
TERMINAL_STATES = ("issued", "active", "locked", "retired")
LOOKUP_MODES = ("number", "barcode", "handoff", "label")
SYMBOLOGIES = ("code128", "nw7", "ean13", "code39")
# 口座種別 as stable codes: ordinary = 普通預金, current = 当座預金, postal = 郵便貯金 (labels: UI)
ACCOUNT_TYPES = ("ordinary", "current", "postal")
TARGET_SCOPES = ("municipality", "category", "id_business", "terminal")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class BankAccountMixin:
    """振込先金融機関情報 (画面4); on an event only when it differs from the municipality's."""

    bank_name: Mapped[str | None] = mapped_column(String(30))
    bank_code: Mapped[str | None] = mapped_column(String(4))
    bank_branch: Mapped[str | None] = mapped_column(String(30))
    bank_branch_code: Mapped[str | None] = mapped_column(String(5))
    bank_account_type: Mapped[str | None] = mapped_column(String(8))
    bank_account_number: Mapped[str | None] = mapped_column(String(8))
    bank_account_holder: Mapped[str | None] = mapped_column(String(30))


class Municipality(BankAccountMixin, Base):
    """A 市区町村 or 都道府県, keyed by its 全国地方公共団体コード (6 digits with check digit)."""

    __tablename__ = "municipalities"
    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    prefecture: Mapped[str] = mapped_column(String(10))
    department: Mapped[str | None] = mapped_column(String(50))
    person: Mapped[str | None] = mapped_column(String(15))
    postal_code: Mapped[str | None] = mapped_column(String(7))
    address: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(15))
    email: Mapped[str | None] = mapped_column(String(255))
    __table_args__ = (
        CheckConstraint("length(code) = 6", name="code_len"),
        CheckConstraint(f"bank_account_type IS NULL OR {_in('bank_account_type', ACCOUNT_TYPES)}",
                        name="account_type"),
    )


class Point(BankAccountMixin, Base):
    """A municipality's point (kind 'municipal', one per municipality) or an event (画面5-1)."""

    __tablename__ = "points"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    validity_days: Mapped[int] = mapped_column(Integer)
    service_from: Mapped[date | None] = mapped_column(Date)
    service_to: Mapped[date | None] = mapped_column(Date)
    show_on_mypage: Mapped[bool] = mapped_column(Boolean, default=True)
    __table_args__ = (
        CheckConstraint("kind IN ('municipal', 'event')", name="kind"),
        CheckConstraint("validity_days BETWEEN 1 AND 3650", name="validity"),
        CheckConstraint("kind = 'municipal' OR (service_from IS NOT NULL AND service_to IS NOT NULL"
                        " AND service_from <= service_to)", name="event_period"),
        Index("ux_points_municipal", "municipality_code", unique=True,
              sqlite_where=text("kind = 'municipal'"), postgresql_where=text("kind = 'municipal'")),
    )


class EventTarget(Base):
    """One selection of 画面5-2: where an event's point can be used."""

    __tablename__ = "event_targets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("points.id"), index=True)
    scope: Mapped[str] = mapped_column(String(12))
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipalities.code"))
    category: Mapped[str | None] = mapped_column(String(1))
    id_business_id: Mapped[str | None] = mapped_column(ForeignKey("id_businesses.id"))
    terminal_id: Mapped[str | None] = mapped_column(ForeignKey("terminals.terminal_id"))
    __table_args__ = (CheckConstraint(_in("scope", TARGET_SCOPES), name="scope"),)


class IdBusiness(Base):
    """An ID付与事業者 (library, shopping street) whose customer IDs become service IDs."""

    __tablename__ = "id_businesses"
    id: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"), index=True)
    lookup_mode: Mapped[str] = mapped_column(String(8), default="number")
    symbology: Mapped[str] = mapped_column(String(8), default="code128")
    is_shopping_street: Mapped[bool] = mapped_column(Boolean, default=False)
    street_name: Mapped[str | None] = mapped_column(String(50))
    __table_args__ = (
        CheckConstraint(_in("lookup_mode", LOOKUP_MODES), name="lookup_mode"),
        CheckConstraint(_in("symbology", SYMBOLOGIES), name="symbology"),
        UniqueConstraint("municipality_code", "name", name="uq_id_businesses_name"),
    )


class Terminal(Base):
    """A terminal of 様式II and, once registered (画面9/10), its key and fingerprint."""

    __tablename__ = "terminals"
    terminal_id: Mapped[str] = mapped_column(String(8), primary_key=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"), index=True)
    category: Mapped[str] = mapped_column(String(1))
    also_point_use: Mapped[bool] = mapped_column(Boolean, default=False)
    id_business_id: Mapped[str | None] = mapped_column(ForeignKey("id_businesses.id"))
    section_no: Mapped[int | None] = mapped_column(Integer)
    place: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(50))
    person: Mapped[str | None] = mapped_column(String(30))
    postal_code: Mapped[str | None] = mapped_column(String(7))
    address: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    public_key: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(8), default="issued")
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    registered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        CheckConstraint(_in("category", CATEGORIES), name="category"),
        CheckConstraint(_in("state", TERMINAL_STATES), name="state"),
        CheckConstraint("category = 'A' OR id_business_id IS NULL", name="business_only_a"),
        CheckConstraint("length(terminal_id) = 8", name="id_len"),
    )


class TerminalNonce(Base):
    """A nonce seen in a signed request; purged once older than the signature window."""

    __tablename__ = "terminal_nonces"
    terminal_id: Mapped[str] = mapped_column(String(8), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class Holder(Base):
    """A card holder (利用者): the int id is internal, mykey_id the public 8-char ID."""

    __tablename__ = "holders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mykey_id: Mapped[str] = mapped_column(ForeignKey("mykey_id_registry.mykey_id"), unique=True)
    state: Mapped[str] = mapped_column(String(8), default="active")
    mypage_password_hash: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(255))
    notice_granted: Mapped[bool] = mapped_column(Boolean, default=False)
    notice_expired: Mapped[bool] = mapped_column(Boolean, default=False)
    notice_password: Mapped[bool] = mapped_column(Boolean, default=False)
    notice_mykey: Mapped[bool] = mapped_column(Boolean, default=False)
    base_municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipalities.code"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (CheckConstraint("state IN ('active', 'revoked')", name="state"),)


class MykeyIdRegistry(Base):
    """Every MyKey ID ever assigned: a row is never deleted, so an ID is never reused."""

    __tablename__ = "mykey_id_registry"
    mykey_id: Mapped[str] = mapped_column(String(8), primary_key=True)
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    release_reason: Mapped[str | None] = mapped_column(String(10))


class HolderCertificate(Base):
    """A JPKI certificate serial of a holder; superseded rows keep the history.

    A serial is unique only within its CA, so a certificate is found by (kind, issuer, serial);
    `issuer` is services.jpki.issuer_key of the issuing CA. Rows registered before it was
    recorded (revision 0010) have NULL and are stamped at their first read."""

    __tablename__ = "holder_certificates"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(4))
    issuer: Mapped[str | None] = mapped_column(String(64))
    serial: Mapped[str] = mapped_column(String(64))
    not_after: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        CheckConstraint("kind IN ('auth', 'sign')", name="kind"),
        UniqueConstraint("kind", "issuer", "serial", name="uq_holder_certificates_serial"),
    )


class CertLink(Base):
    """An imported J-LIS record: a re-issued card's new serial succeeds the old one."""

    __tablename__ = "cert_links"
    old_serial: Mapped[str] = mapped_column(String(64), primary_key=True)
    new_serial: Mapped[str] = mapped_column(String(64), unique=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MykeyChallenge(Base):
    """A kiosk session of 画面16: the server nonce the card signs, and the candidate rules."""

    __tablename__ = "mykey_challenges"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    terminal_id: Mapped[str] = mapped_column(ForeignKey("terminals.terminal_id"))
    nonce: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    generations: Mapped[int] = mapped_column(Integer, default=0)
    check_failures: Mapped[int] = mapped_column(Integer, default=0)
    candidate: Mapped[str | None] = mapped_column(String(8))
    candidate_final: Mapped[bool] = mapped_column(Boolean, default=False)
    used: Mapped[bool] = mapped_column(Boolean, default=False)


class ServiceId(Base):
    """A service ID (画面24 table): a holder's customer ID at one ID business."""

    __tablename__ = "service_ids"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    id_business_id: Mapped[str] = mapped_column(ForeignKey("id_businesses.id"))
    customer_id: Mapped[str] = mapped_column(String(20))
    auth_cert_serial: Mapped[str] = mapped_column(String(64))
    sign_cert_serial: Mapped[str | None] = mapped_column(String(64))
    address_notice: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    registered_by: Mapped[str] = mapped_column(ForeignKey("terminals.terminal_id"))
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    replaced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        Index("ux_service_ids_holder_business", "holder_id", "id_business_id", unique=True,
              sqlite_where=text("active"), postgresql_where=text("active")),
        Index("ux_service_ids_customer", "id_business_id", "customer_id", unique=True,
              sqlite_where=text("active"), postgresql_where=text("active")),
    )


class GrantBusiness(Base):
    """A ポイント付与事業 (画面63): grants of one point by a municipality's department."""

    __tablename__ = "grant_businesses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"))
    business_id: Mapped[str] = mapped_column(String(4))
    point_id: Mapped[int] = mapped_column(ForeignKey("points.id"))
    name: Mapped[str] = mapped_column(String(50))
    department: Mapped[str] = mapped_column(String(50))
    points_per_grant: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        UniqueConstraint("municipality_code", "business_id", name="uq_grant_businesses_code"),
        CheckConstraint("points_per_grant > 0", name="points_positive"),
    )
