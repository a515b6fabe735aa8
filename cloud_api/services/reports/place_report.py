"""自治体ポイント集計 (画面85-88): points used per installation place, daily series and detail.

Counted are the settled uses of a municipality's points: spends (ポイント利用) and redeemed
vouchers (ポイント券消込), both credited to the place's settlement account by the ledger, less
refunds (a correction that takes a spend back: a row with minus points, as on 画面87). The
same query module serves the municipal report (every place), the shop report (its own place)
and the downloads; the detail is a generator that streams rows from a server-side cursor.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, String, case, cast, func, literal, select, type_coerce
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from cloud_api.models.accounts import Terminal
from cloud_api.models.ledger import JournalTxn
from cloud_api.services.ledger.refs import to_jst
from cloud_api.services.ledger.reports import SETTLED_KINDS, SIGNED_AMOUNT
from cloud_api.services.reports.reader import driver_batches
from cloud_api.services.validation import is_prefecture_code

STREAM_BATCH = 5000
UNKNOWN_PLACE = "(設置場所未登録)"


@dataclass(frozen=True)
class PlaceQuery:
    """What to count: points, period (inclusive JST business days), optional place/terminals."""

    point_ids: tuple[int, ...]
    first: date
    last: date
    place: str | None = None
    terminal_ids: tuple[str, ...] | None = None


@dataclass(frozen=True)
class PlaceTotal:
    place: str
    count: int
    points: int


@dataclass(frozen=True)
class PlaceSummary:
    rows: list[PlaceTotal]

    @property
    def count(self) -> int:
        return sum(r.count for r in self.rows)

    @property
    def points(self) -> int:
        return sum(r.points for r in self.rows)


@dataclass(frozen=True)
class DetailRow:
    executed_at: datetime
    place: str
    mykey_id: str
    amount: int
    txn_no: str


def _where(stmt: Select, q: PlaceQuery) -> Select:
    stmt = stmt.where(JournalTxn.kind.in_(SETTLED_KINDS), JournalTxn.point_id.in_(q.point_ids),
                      JournalTxn.business_date >= q.first, JournalTxn.business_date <= q.last)
    if q.place is not None:
        stmt = stmt.where(JournalTxn.place == q.place)
    if q.terminal_ids is not None:
        stmt = stmt.where(JournalTxn.terminal_id.in_(q.terminal_ids))
    return stmt


def summary(conn: Connection, q: PlaceQuery) -> PlaceSummary:
    """取引回数合計 and 利用ポイント数合計 per 端末設置場所 (the database does the GROUP BY)."""
    stmt = _where(select(JournalTxn.place, func.count(), func.sum(SIGNED_AMOUNT)), q)
    stmt = stmt.group_by(JournalTxn.place).order_by(JournalTxn.place)
    return PlaceSummary([PlaceTotal(place or UNKNOWN_PLACE, int(n), int(pts or 0))
                         for place, n, pts in conn.execute(stmt)])


def daily(conn: Connection, q: PlaceQuery) -> list[tuple[date, str, int]]:
    """(business day, place, points) for the chart of daily use per place."""
    stmt = _where(select(JournalTxn.business_date, JournalTxn.place, func.sum(SIGNED_AMOUNT)), q)
    stmt = stmt.group_by(JournalTxn.business_date, JournalTxn.place).order_by(JournalTxn.business_date)
    return [(_as_date(d), place or UNKNOWN_PLACE, int(pts or 0)) for d, place, pts in conn.execute(stmt)]


def detail(conn: Connection, q: PlaceQuery) -> Iterator[DetailRow]:
    """Every counted transaction in time order, streamed (memory does not grow with the rows)."""
    stmt = _where(select(JournalTxn.executed_at, JournalTxn.place, JournalTxn.mykey_id,
                         SIGNED_AMOUNT, JournalTxn.txn_no), q)
    stmt = stmt.order_by(JournalTxn.executed_at, JournalTxn.id)
    result = conn.execution_options(yield_per=STREAM_BATCH).execute(stmt)
    for at, place, mykey_id, amount, txn_no in result:
        at = at if at.tzinfo is None else to_jst(at)   # SQLite returns JST wall time already
        yield DetailRow(at, place or UNKNOWN_PLACE, mykey_id or "", int(amount), txn_no)


def detail_batches(conn: Connection, q: PlaceQuery) -> Iterator[Sequence[Sequence[object]]]:
    """The download's rows, ready to write: (取引日時 'YYYY/MM/DD HH:MM:SS' JST, 端末設置場所,
    マイキーID, 利用ポイント数, 取引済番号), formatted by the database, a cursor batch at a time."""
    stmt = _where(select(_stamp(conn), _safe_place(), func.coalesce(JournalTxn.mykey_id, ""),
                         SIGNED_AMOUNT, JournalTxn.txn_no), q)
    yield from driver_batches(conn, stmt.order_by(JournalTxn.executed_at, JournalTxn.id), STREAM_BATCH)


def csv_line_batches(conn: Connection, q: PlaceQuery) -> Iterator[str]:
    """The 明細表 as CSV text, one chunk per cursor batch; the database builds each line
    (place always quoted, quotes doubled), so Python only joins them."""
    quoted = literal('"') + func.replace(_safe_place(), '"', '""') + literal('"')
    line = (_stamp(conn) + "," + quoted + "," + func.coalesce(JournalTxn.mykey_id, "") + ","
            + cast(SIGNED_AMOUNT, String) + "," + JournalTxn.txn_no)
    stmt = _where(select(line), q).order_by(JournalTxn.executed_at, JournalTxn.id)
    for part in driver_batches(conn, stmt, STREAM_BATCH):
        yield "\r\n".join([r[0] for r in part]) + "\r\n"


def _stamp(conn: Connection) -> ColumnElement[str]:
    if conn.dialect.name == "postgresql":
        local = func.timezone("Asia/Tokyo", JournalTxn.executed_at)
        return func.to_char(local, "YYYY/MM/DD HH24:MI:SS")
    # SQLite keeps the JST wall time as text 'YYYY-MM-DD HH:MM:SS.ffffff'
    return func.replace(func.substr(type_coerce(JournalTxn.executed_at, String), 1, 19), "-", "/")


def _safe_place() -> ColumnElement[str]:
    """The place, with an apostrophe before a leading = + - @ (no spreadsheet formulas)."""
    place = func.coalesce(JournalTxn.place, UNKNOWN_PLACE)
    return case((func.substr(place, 1, 1).in_(("=", "+", "-", "@")), literal("'") + place), else_=place)


def terminal_places(conn: Connection, municipality_code: str) -> list[str]:
    """The 端末設置場所 pull-down: places of the municipality's terminals (a prefecture: of all
    terminals in the prefecture, since its events are used there)."""
    codes = Terminal.municipality_code
    cond = codes.like(municipality_code[:2] + "%") if is_prefecture_code(municipality_code) \
        else codes == municipality_code
    stmt = select(Terminal.place).where(cond).group_by(Terminal.place).order_by(Terminal.place)
    return [p for (p,) in conn.execute(stmt)]


def _as_date(value: object) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
