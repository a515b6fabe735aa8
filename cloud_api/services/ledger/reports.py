"""Place reports (画面87 / 参考88): point use settled to the calling terminal's place.

Counted are the transactions that create a settlement for the place: point use (spend) and
voucher redemption, at any terminal of the same municipality and installation place; a
correction of a point use appears as a row with a negative amount.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from cloud_api.models.ledger import JournalTxn
from cloud_api.services.ledger.refs import TerminalLike

SETTLED_KINDS = ("spend", "voucher_redeem", "correction")   # a correction takes a spend back
ROW_CAP = 1000
SIGNED_AMOUNT = case((JournalTxn.kind == "correction", -JournalTxn.amount),
                     else_=JournalTxn.amount)


@dataclass(frozen=True)
class ReportRow:
    executed_at: datetime
    place: str
    mykey_id: str
    amount: int
    terminal_id: str
    txn_no: str


@dataclass(frozen=True)
class PlaceSummary:
    place: str
    count: int
    points: int


def _where(terminal: TerminalLike, frm: date, to: date) -> tuple[ColumnElement[bool], ...]:
    """The calling terminal's own transactions at its place. (Not every terminal's at that
    place name: a terminal sets its own place, and one renamed like a neighbour would read the
    neighbour's customers.)"""
    return (JournalTxn.kind.in_(SETTLED_KINDS),
            JournalTxn.terminal_id == terminal.terminal_id,
            JournalTxn.municipality_code == terminal.municipality_code,
            JournalTxn.place == terminal.place,
            JournalTxn.business_date >= frm, JournalTxn.business_date <= to)


def summary(session: Session, terminal: TerminalLike, frm: date, to: date) -> PlaceSummary:
    count, points = session.execute(
        select(func.count(), func.coalesce(func.sum(SIGNED_AMOUNT), 0))
        .where(*_where(terminal, frm, to))).one()
    return PlaceSummary(terminal.place, int(count), int(points))


def rows(session: Session, terminal: TerminalLike, frm: date, to: date,
         limit: int | None = None) -> Iterator[ReportRow]:
    """Detail rows in time order, streamed from a server-side cursor (yield_per)."""
    query = (select(JournalTxn.executed_at, JournalTxn.place, JournalTxn.mykey_id,
                    SIGNED_AMOUNT, JournalTxn.terminal_id, JournalTxn.txn_no)
             .where(*_where(terminal, frm, to)).order_by(JournalTxn.executed_at, JournalTxn.id))
    if limit is not None:
        query = query.limit(limit)
    for r in session.execute(query.execution_options(yield_per=1000)):
        yield ReportRow(r[0], r[1] or "", r[2] or "", int(r[3]), r[4] or "", r[5])
