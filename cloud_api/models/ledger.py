"""The point ledger: double-entry, append-only journal of every point movement.

Every operation (grant, spend, voucher issue / redeem / lapse, merge, expiry, correction) is one
`JournalTxn` whose `JournalEntry` rows sum to zero across `LedgerAccount`s. Holder balances live
in lots (`Lot`) with an expiry date; spending consumes lots earliest-expiry first
(`LotConsumption`). Nothing here is updated in place: the only mutable rows are the per-scope
per-day transaction counter (`TxnCounter`), the idempotency records and the expiry sweep's mark
(`SweepMark`). Corrections are new transactions with a reason.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from cloud_api.db import Base

# Ledger account kinds. Holder accounts carry a balance_after on each entry; the others are
# system (contra) accounts whose entries carry NULL balance_after and are summed when needed.
HOLDER = "holder"            # a card holder's balance of one point
ISSUANCE = "issuance"        # the municipality's issuance of one point (goes negative)
ESCROW = "escrow"            # points held by outstanding vouchers of one point
MERGE_CLEARING = "merge"     # points handed to shopping streets (merge) of one point
SETTLEMENT = "settlement"    # payable by the municipality to a place, per (point, terminal)
EXPIRED = "expired"          # points that lapsed (expired lots and vouchers) of one point
RESERVE = "reserve"          # a holder's 留保ポイント (municipality-independent, point_id 0)
PARTNER = "partner"          # a partner company's clearing account, per destination point
ACCOUNT_KINDS = (HOLDER, ISSUANCE, ESCROW, MERGE_CLEARING, SETTLEMENT, EXPIRED, RESERVE, PARTNER)
HOLDER_KINDS = (HOLDER, RESERVE)   # accounts owned by a holder, carrying balance_after

# Journal transaction kinds.
TXN_KINDS = ("grant", "spend", "voucher_issue", "voucher_redeem", "voucher_lapse", "merge",
             "expiry", "correction", "partner_transfer")


def job_scope(account_id: int) -> str:
    """The 取引済番号 scope of what no terminal does to a holder's account - the sweep's expiry,
    a partner's transfer, a grant without a terminal: the account's own, "S" and its id in 7
    base-36 digits. A terminal's scope is its 8-digit ID.

    One scope for all jobs would run out of its 99,999 numbers on a busy nationwide day, and every
    job would wait on its one counter row. The account's own counter is taken only by postings
    to that account, after its lock, so it never waits on anything else and no lock cycle can
    pass through it (a partner import holds many accounts at once)."""
    return "S" + _base36(account_id)


def lapse_scope(voucher_id: int) -> str:
    """The scope of a voucher's lapse (the sweep's): the voucher's own, "V" and its id in 7
    base-36 digits, taken after the voucher's lock."""
    return "V" + _base36(voucher_id)


def _base36(n: int, width: int = 7) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    if not 0 <= n < 36 ** width:
        raise ValueError(f"{n} does not fit {width} base-36 digits")
    out = ""
    for _ in range(width):
        n, d = divmod(n, 36)
        out = digits[d] + out
    return out


BIGINT = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrement needs INTEGER


class LedgerAccount(Base):
    """One account of the ledger. Immutable once created; `key` makes creation race-free."""

    __tablename__ = "ledger_accounts"
    __table_args__ = (
        CheckConstraint(f"kind IN {ACCOUNT_KINDS!r}", name="kind"),
        CheckConstraint(f"(kind IN {HOLDER_KINDS!r}) = (holder_id IS NOT NULL)",
                        name="holder_only_holder"),
    )

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    point_id: Mapped[int] = mapped_column(Integer, index=True)
    holder_id: Mapped[int | None] = mapped_column(Integer, index=True)
    terminal_id: Mapped[str | None] = mapped_column(String(8))


class JournalTxn(Base):
    """One ledger operation, numbered with a 取引済番号 unique within its scope."""

    __tablename__ = "journal_txns"
    __table_args__ = (
        UniqueConstraint("scope", "txn_no", name="uq_journal_txns_scope_txn_no"),
        CheckConstraint(f"kind IN {TXN_KINDS!r}", name="kind"),
        CheckConstraint("length(txn_no) = 13", name="txn_no_length"),
        Index("ix_journal_txns_place_day", "municipality_code", "place", "business_date"),
    )

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(8))          # terminal ID, job_scope or lapse_scope
    txn_no: Mapped[str] = mapped_column(String(13))        # yyyymmdd + 5-digit sequence
    kind: Mapped[str] = mapped_column(String(16))
    executed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    business_date: Mapped[date] = mapped_column(Date)      # JST day of executed_at
    point_id: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BIGINT)            # the operation's point amount (> 0)
    holder_id: Mapped[int | None] = mapped_column(Integer, index=True)
    mykey_id: Mapped[str | None] = mapped_column(String(8))  # snapshot for reports
    terminal_id: Mapped[str | None] = mapped_column(String(8))
    place: Mapped[str | None] = mapped_column(String(50))    # terminal's place, snapshot
    municipality_code: Mapped[str | None] = mapped_column(String(6))
    reason: Mapped[str] = mapped_column(String(200), default="")
    corrects_txn_id: Mapped[int | None] = mapped_column(ForeignKey("journal_txns.id"))


class JournalEntry(Base):
    """One leg of a transaction. The entries of one transaction sum to zero."""

    __tablename__ = "journal_entries"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount_nonzero"),
        CheckConstraint("balance_after IS NULL OR balance_after >= 0", name="balance_nonnegative"),
        Index("ix_journal_entries_account_id_id", "account_id", "id"),
    )

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True, autoincrement=True)
    txn_id: Mapped[int] = mapped_column(ForeignKey("journal_txns.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"))
    amount: Mapped[int] = mapped_column(BIGINT)
    balance_after: Mapped[int | None] = mapped_column(BIGINT)


class Lot(Base):
    """Points credited to a holder account by one grant, usable through `expires_on` (JST)."""

    __tablename__ = "lots"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("expires_on >= issued_on", name="expiry_after_issue"),
        Index("ix_lots_account_id_expires_on", "account_id", "expires_on"),
        Index("ix_lots_expires_on", "expires_on"),   # the sweep's: lots expired since its mark
    )

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"))
    txn_id: Mapped[int] = mapped_column(ForeignKey("journal_txns.id"), index=True)
    amount: Mapped[int] = mapped_column(BIGINT)
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)


class LotConsumption(Base):
    """Part of a lot used by a transaction (spend, voucher, merge, expiry)."""

    __tablename__ = "lot_consumptions"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True, autoincrement=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    txn_id: Mapped[int] = mapped_column(ForeignKey("journal_txns.id"), index=True)
    amount: Mapped[int] = mapped_column(BIGINT)


class Voucher(Base):
    """A ポイント券: points moved to escrow, redeemed whole once or lapsed at expiry."""

    __tablename__ = "vouchers"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("validity_days BETWEEN 1 AND 30", name="validity_range"),
        CheckConstraint("length(voucher_no) = 12", name="voucher_no_length"),
        Index("ix_vouchers_expires_on", "expires_on"),
    )

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True, autoincrement=True)
    voucher_no: Mapped[str] = mapped_column(String(12), unique=True)
    issue_txn_id: Mapped[int] = mapped_column(ForeignKey("journal_txns.id"), unique=True)
    point_id: Mapped[int] = mapped_column(Integer)
    point_name: Mapped[str] = mapped_column(String(100))
    holder_id: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BIGINT)
    balance_after: Mapped[int] = mapped_column(BIGINT)     # holder's usable balance after issue
    validity_days: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_on: Mapped[date] = mapped_column(Date)
    issue_terminal_id: Mapped[str] = mapped_column(String(8))
    issue_place: Mapped[str] = mapped_column(String(50))


class VoucherClosing(Base):
    """The single end of a voucher: redeemed at a place, or lapsed by the sweep."""

    __tablename__ = "voucher_closings"
    __table_args__ = (CheckConstraint("kind IN ('redeemed', 'lapsed')", name="kind"),)

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True, autoincrement=True)
    voucher_id: Mapped[int] = mapped_column(ForeignKey("vouchers.id"), unique=True)
    txn_id: Mapped[int] = mapped_column(ForeignKey("journal_txns.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    closed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    terminal_id: Mapped[str | None] = mapped_column(String(8))
    place: Mapped[str | None] = mapped_column(String(50))


class Merge(Base):
    """Points handed over to a shopping street's own point system (商店街ポイント合算)."""

    __tablename__ = "merges"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True, autoincrement=True)
    txn_id: Mapped[int] = mapped_column(ForeignKey("journal_txns.id"), unique=True)
    id_business_id: Mapped[str] = mapped_column(String(6))
    street_name: Mapped[str] = mapped_column(String(100))
    customer_id: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BIGINT)
    transfer_key: Mapped[str] = mapped_column(String(27), unique=True)  # time+terminal+seq


class TxnCounter(Base):
    """The last 取引済番号 sequence handed out per scope and JST day (mutable by design)."""

    __tablename__ = "txn_counters"
    __table_args__ = (CheckConstraint("last_seq BETWEEN 1 AND 99999", name="seq_range"),)

    scope: Mapped[str] = mapped_column(String(8), primary_key=True)
    business_date: Mapped[date] = mapped_column(Date, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)


class SweepMark(Base):
    """How far the expiry sweep has got (one row, mutable by design): every lot and voucher that
    expired before `swept_before` was closed by a sweep that ran to its end, so the next one
    looks only from that day on (cloud_api/services/ledger/sweep.py)."""

    __tablename__ = "sweep_marks"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    swept_before: Mapped[date] = mapped_column(Date)


class IdempotencyRecord(Base):
    """The first response to a client's Idempotency-Key, saved with the operation it made."""

    __tablename__ = "idempotency_records"
    # created_at grows with the insertion order, so on PostgreSQL a BRIN index (a few pages,
    # next to nothing per insert) lets the daily purge read only the old page ranges instead
    # of the whole table; SQLite gets an ordinary index.
    __table_args__ = (UniqueConstraint("scope", "key", name="uq_idempotency_records_scope_key"),
                      Index("ix_idempotency_records_created_at", "created_at",
                            postgresql_using="brin"))

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(8))           # terminal ID ("-" if none yet)
    key: Mapped[str] = mapped_column(String(64))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    txn_id: Mapped[int | None] = mapped_column(ForeignKey("journal_txns.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
