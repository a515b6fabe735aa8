"""verify-ledger: every invariant of the ledger, checked with set-based SQL where possible.

Each check yields Violations (a stable code, its Japanese message and what was found); an empty
list means the ledger is sound. Only reads; against a live database run it through
`verify_snapshot`, so that every check reads the same moment of the ledger.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, aliased

from cloud_api.db import make_session_factory, unit_of_work
from cloud_api.messages import message
from cloud_api.models.ledger import (
    ESCROW,
    EXPIRED,
    HOLDER,
    HOLDER_KINDS,
    IdempotencyRecord,
    JournalEntry,
    JournalTxn,
    LedgerAccount,
    Lot,
    LotConsumption,
    Merge,
    Voucher,
    VoucherClosing,
)
from cloud_api.models.partners import PartnerTransfer
from cloud_api.services.ledger.lots import used_points
from cloud_api.services.ledger.sweep import swept_before
from cloud_api.services.ledger.txn_numbers import is_well_formed


@dataclass(frozen=True)
class Violation:
    code: str
    detail: str

    @property
    def message(self) -> str:
        return message(self.code)

    def __str__(self) -> str:
        return f"[{self.code}] {self.message} {self.detail}"


Check = Callable[[Session], Iterator[Violation]]


def verify(session: Session) -> list[Violation]:
    return [v for check in CHECKS for v in check(session)]


def verify_snapshot(engine: Engine) -> list[Violation]:
    """verify() in one read-only snapshot of a live database. The checks compare totals read by
    different statements (a holder's book balance with its lots, the escrow with the open
    vouchers); in PostgreSQL's default READ COMMITTED each statement would see the commits made
    since the one before, and a spend in between would read as a mismatch. A REPEATABLE READ
    transaction sees one moment throughout. (SQLite's transaction already reads one snapshot.)"""
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="REPEATABLE READ",
                                          postgresql_readonly=True)
    with unit_of_work(make_session_factory(engine)) as session:
        return verify(session)


def _pairs(s: Session, stmt: Select[Any, Any]) -> dict[Any, Any]:
    return {k: v for k, v in s.execute(stmt)}


def _txns_balanced(s: Session) -> Iterator[Violation]:
    sums = select(JournalEntry.txn_id, func.sum(JournalEntry.amount)).group_by(JournalEntry.txn_id)
    for txn_id, total in s.execute(sums.having(func.sum(JournalEntry.amount) != 0)):
        yield Violation("ledger_txn_unbalanced", f"txn_id={txn_id} sum={total}")
    has_entries = select(JournalEntry.txn_id)
    for (txn_id,) in s.execute(select(JournalTxn.id).where(JournalTxn.id.not_in(has_entries))):
        yield Violation("ledger_txn_without_entries", f"txn_id={txn_id}")
    # the header's amount (what receipts and place reports show) is what the entries move
    moved = (select(JournalEntry.txn_id, func.sum(JournalEntry.amount).label("moved"))
             .where(JournalEntry.amount > 0).group_by(JournalEntry.txn_id).subquery())
    for txn_id, txn_no, amount, total in s.execute(
            select(JournalTxn.id, JournalTxn.txn_no, JournalTxn.amount, moved.c.moved)
            .join(moved, moved.c.txn_id == JournalTxn.id)
            .where(moved.c.moved != JournalTxn.amount)):
        yield Violation("ledger_txn_amount_mismatch",
                        f"txn_id={txn_id} txn_no={txn_no} header={amount} entries={total}")


def _holder_chains(s: Session) -> Iterator[Violation]:
    rows = s.execute(select(JournalEntry.account_id, JournalEntry.id, JournalEntry.amount,
                            JournalEntry.balance_after, LedgerAccount.kind)
                     .join(LedgerAccount, LedgerAccount.id == JournalEntry.account_id)
                     .order_by(JournalEntry.account_id, JournalEntry.id)
                     .execution_options(yield_per=5000))
    last: dict[int, int] = {}
    with_lots: set[int] = set()   # RESERVE accounts (留保ポイント) have a chain but no lots
    for account_id, entry_id, amount, after, kind in rows:
        if kind == HOLDER:
            with_lots.add(account_id)
        if kind not in HOLDER_KINDS:
            if after is not None:
                yield Violation("ledger_system_balance_after", f"entry_id={entry_id}")
            continue
        expected = last.get(account_id, 0) + amount
        if after != expected:
            yield Violation("ledger_balance_chain_broken",
                            f"entry_id={entry_id} expected={expected} recorded={after}")
        if expected < 0:
            yield Violation("ledger_balance_negative", f"account_id={account_id} entry_id={entry_id}")
        last[account_id] = expected
    yield from _books_match_lots(s, {k: v for k, v in last.items() if k in with_lots})


def _books_match_lots(s: Session, books: dict[int, int]) -> Iterator[Violation]:
    granted = _pairs(s, (select(Lot.account_id, func.sum(Lot.amount)).group_by(Lot.account_id)))
    used = _pairs(s, (select(Lot.account_id, func.sum(LotConsumption.amount))
                          .join(Lot, Lot.id == LotConsumption.lot_id).group_by(Lot.account_id)))
    for account_id in set(books) | set(granted):
        in_lots = int(granted.get(account_id, 0)) - int(used.get(account_id, 0) or 0)
        if books.get(account_id, 0) != in_lots:
            yield Violation("ledger_balance_lots_mismatch",
                            f"account_id={account_id} book={books.get(account_id, 0)} lots={in_lots}")


def _lots(s: Session) -> Iterator[Violation]:
    over = (select(Lot.id, Lot.amount, func.sum(LotConsumption.amount))
            .join(LotConsumption, LotConsumption.lot_id == Lot.id).group_by(Lot.id, Lot.amount)
            .having(func.sum(LotConsumption.amount) > Lot.amount))
    for lot_id, amount, used in s.execute(over):
        yield Violation("ledger_lot_overconsumed", f"lot_id={lot_id} amount={amount} used={used}")
    late = (select(LotConsumption.id, Lot.id, JournalTxn.txn_no)
            .join(Lot, Lot.id == LotConsumption.lot_id)
            .join(JournalTxn, JournalTxn.id == LotConsumption.txn_id)
            .where(JournalTxn.business_date > Lot.expires_on, JournalTxn.kind != "expiry"))
    for consumption_id, lot_id, txn_no in s.execute(late):
        yield Violation("ledger_expired_lot_consumed", f"lot_id={lot_id} txn_no={txn_no}")
    early = (select(Lot.id, JournalTxn.txn_no)
             .join(LotConsumption, LotConsumption.lot_id == Lot.id)
             .join(JournalTxn, JournalTxn.id == LotConsumption.txn_id)
             .where(JournalTxn.kind == "expiry", Lot.expires_on >= JournalTxn.business_date))
    for lot_id, txn_no in s.execute(early):
        yield Violation("ledger_valid_lot_expired", f"lot_id={lot_id} txn_no={txn_no}")


def _vouchers(s: Session) -> Iterator[Violation]:
    issue = (select(Voucher.voucher_no).join(JournalTxn, JournalTxn.id == Voucher.issue_txn_id)
             .where((JournalTxn.kind != "voucher_issue") | (JournalTxn.amount != Voucher.amount)
                    | (JournalTxn.point_id != Voucher.point_id)))
    for (number,) in s.execute(issue):
        yield Violation("ledger_voucher_issue_mismatch", f"voucher_no={number}")
    closings = (select(Voucher.voucher_no, VoucherClosing.kind, JournalTxn.business_date,
                       Voucher.expires_on, JournalTxn.kind, JournalTxn.amount, Voucher.amount)
                .join(VoucherClosing, VoucherClosing.voucher_id == Voucher.id)
                .join(JournalTxn, JournalTxn.id == VoucherClosing.txn_id))
    for number, kind, day, expires_on, txn_kind, txn_amount, amount in s.execute(closings):
        if kind == "redeemed" and day > expires_on:
            yield Violation("ledger_voucher_redeemed_late", f"voucher_no={number}")
        if kind == "lapsed" and day <= expires_on:
            yield Violation("ledger_voucher_lapsed_early", f"voucher_no={number}")
        if (txn_kind, txn_amount) != (CLOSING_TXN_KIND.get(kind), amount):
            yield Violation("ledger_voucher_close_mismatch",
                            f"voucher_no={number} {kind} by {txn_kind} of {txn_amount}")


CLOSING_TXN_KIND = {"redeemed": "voucher_redeem", "lapsed": "voucher_lapse"}


RECORDS_OF_KIND = (("grant", Lot.txn_id), ("voucher_issue", Voucher.issue_txn_id),
                   ("voucher_redeem", VoucherClosing.txn_id),
                   ("voucher_lapse", VoucherClosing.txn_id), ("merge", Merge.txn_id),
                   ("partner_transfer", PartnerTransfer.txn_id))


def _txn_records(s: Session) -> Iterator[Violation]:
    """Each grant has its lot, each voucher txn its voucher or closing, each merge its record."""
    for kind, column in RECORDS_OF_KIND:
        missing = select(JournalTxn.id, JournalTxn.txn_no).where(
            JournalTxn.kind == kind, JournalTxn.id.not_in(select(column)))
        for txn_id, txn_no in s.execute(missing):
            yield Violation("ledger_txn_record_missing", f"kind={kind} txn_id={txn_id} "
                                                         f"txn_no={txn_no}")


def _corrections(s: Session) -> Iterator[Violation]:
    """A correction reverses a spend of the same point, amount and holder, once; its lots and its
    expired leg (points whose lot expired meanwhile) make up its amount."""
    original = aliased(JournalTxn)
    bad = (select(JournalTxn.id, JournalTxn.txn_no)
           .outerjoin(original, original.id == JournalTxn.corrects_txn_id)
           .where(JournalTxn.kind == "correction")
           .where((original.id.is_(None)) | (original.kind != "spend")
                  | (original.amount != JournalTxn.amount)
                  | (original.point_id != JournalTxn.point_id)
                  | (original.holder_id != JournalTxn.holder_id)))
    for txn_id, txn_no in s.execute(bad):
        yield Violation("ledger_correction_mismatch", f"txn_id={txn_id} txn_no={txn_no}")
    # what a correction gives back is its lots, and the points expired meanwhile its expired leg
    restored = (select(func.coalesce(func.sum(Lot.amount), 0))
                .where(Lot.txn_id == JournalTxn.id).scalar_subquery())
    lapsed = (select(func.coalesce(func.sum(JournalEntry.amount), 0))
              .join(LedgerAccount, LedgerAccount.id == JournalEntry.account_id)
              .where(JournalEntry.txn_id == JournalTxn.id, LedgerAccount.kind == EXPIRED)
              .scalar_subquery())
    for txn_id, txn_no in s.execute(select(JournalTxn.id, JournalTxn.txn_no).where(
            JournalTxn.kind == "correction", restored + lapsed != JournalTxn.amount)):
        yield Violation("ledger_correction_mismatch", f"points given back: txn_id={txn_id} "
                                                      f"txn_no={txn_no}")
    # no lot is created already expired: the sweep only reads what expired since its mark
    born_expired = (select(Lot.id, JournalTxn.txn_no).join(JournalTxn, JournalTxn.id == Lot.txn_id)
                    .where(Lot.expires_on < JournalTxn.business_date))
    for lot_id, txn_no in s.execute(born_expired):
        yield Violation("ledger_lot_created_expired", f"lot_id={lot_id} txn_no={txn_no}")
    twice = (select(JournalTxn.corrects_txn_id).where(JournalTxn.corrects_txn_id.is_not(None))
             .group_by(JournalTxn.corrects_txn_id).having(func.count() > 1))
    for (corrected_id,) in s.execute(twice):
        yield Violation("ledger_correction_mismatch", f"corrected twice: txn_id={corrected_id}")


def _escrow(s: Session) -> Iterator[Violation]:
    held = _pairs(s, (select(LedgerAccount.point_id, func.sum(JournalEntry.amount))
                          .join(JournalEntry, JournalEntry.account_id == LedgerAccount.id)
                          .where(LedgerAccount.kind == ESCROW).group_by(LedgerAccount.point_id)))
    closed = select(VoucherClosing.voucher_id)
    open_ = _pairs(s, (select(Voucher.point_id, func.sum(Voucher.amount))
                           .where(Voucher.id.not_in(closed)).group_by(Voucher.point_id)))
    for point_id in set(held) | set(open_):
        if int(held.get(point_id) or 0) != int(open_.get(point_id) or 0):
            yield Violation("ledger_escrow_mismatch", f"point_id={point_id} escrow="
                            f"{held.get(point_id) or 0} outstanding={open_.get(point_id) or 0}")


def _partner_transfers(s: Session) -> Iterator[Violation]:
    """A partner transfer record and its transaction agree on kind, amount and holder."""
    bad = (select(PartnerTransfer.id, JournalTxn.txn_no)
           .join(JournalTxn, JournalTxn.id == PartnerTransfer.txn_id)
           .where((JournalTxn.kind != "partner_transfer") | (JournalTxn.amount != PartnerTransfer.amount)
                  | (JournalTxn.holder_id != PartnerTransfer.holder_id)))
    for transfer_id, txn_no in s.execute(bad):
        yield Violation("ledger_partner_transfer_mismatch", f"transfer_id={transfer_id} "
                                                            f"txn_no={txn_no}")


def _txn_numbers(s: Session) -> Iterator[Violation]:
    rows = s.execute(select(JournalTxn.id, JournalTxn.txn_no, JournalTxn.business_date)
                     .execution_options(yield_per=5000))
    for txn_id, txn_no, day in rows:
        if not is_well_formed(txn_no, day):
            yield Violation("ledger_txn_no_malformed", f"txn_id={txn_id} txn_no={txn_no}")
    dupes = (select(JournalTxn.scope, JournalTxn.txn_no).group_by(JournalTxn.scope, JournalTxn.txn_no)
             .having(func.count() > 1))
    for scope, txn_no in s.execute(dupes):
        yield Violation("ledger_txn_no_duplicate", f"scope={scope} txn_no={txn_no}")


def _idempotency(s: Session) -> Iterator[Violation]:
    incomplete = select(IdempotencyRecord.id).where(IdempotencyRecord.status.is_(None))
    for (record_id,) in s.execute(incomplete):
        yield Violation("ledger_idempotency_incomplete", f"record_id={record_id}")
    orphan = (select(IdempotencyRecord.id).where(IdempotencyRecord.txn_id.is_not(None))
              .where(IdempotencyRecord.txn_id.not_in(select(JournalTxn.id))))
    for (record_id,) in s.execute(orphan):
        yield Violation("ledger_idempotency_orphan", f"record_id={record_id}")


def _sweep_mark(s: Session) -> Iterator[Violation]:
    """Nothing that expired before the sweep's mark is still open: the sweep never reads there
    again (sweep.py). If this fires, delete the row of sweep_marks; the next sweep reads all."""
    mark = swept_before(s)
    if mark is None:
        return
    used = used_points()
    for (lot_id,) in s.execute(select(Lot.id).where(Lot.expires_on < mark, Lot.amount > used)):
        yield Violation("ledger_open_before_sweep_mark", f"lot_id={lot_id}")
    closed = select(VoucherClosing.voucher_id)
    for (number,) in s.execute(select(Voucher.voucher_no).where(Voucher.expires_on < mark,
                                                                Voucher.id.not_in(closed))):
        yield Violation("ledger_open_before_sweep_mark", f"voucher_no={number}")


CHECKS: list[Check] = [_txns_balanced, _holder_chains, _lots, _vouchers, _txn_records, _corrections,
                       _escrow, _partner_transfers, _txn_numbers, _idempotency, _sweep_mark]
