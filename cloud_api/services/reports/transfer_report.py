"""画面81-84 応援ポイント移行集計: counts and sums of partner transfers, and the downloads.

A partner login (画面81/82) sees its own company's transfers with their 移行先; a municipality
(画面83/84) sees the transfers into one of its own points, whichever partner made them. Periods
are JST days of 移行日時 (the partner's executed_at). The downloads are 集計表 + 明細表
(参考82/84) as CSV or Excel, written by reports.export from this module's layout and rows.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.engine import Connection

from cloud_api.clock import JST
from cloud_api.models.accounts import Municipality, Point
from cloud_api.models.partners import Partner, PartnerTransfer
from cloud_api.services.ledger.refs import to_jst
from cloud_api.services.reports.export import Layout, Rows, safe_batches

BATCH = 2000
PARTNER_HEADER = ["移行日時", "マイキーID", "移行ポイント数", "移行先"]
MUNICIPAL_HEADER = ["移行日時", "マイキーID", "移行ポイント数"]
SUMMARY_HEADER = ["移行件数", "移行ポイント数合計"]


@dataclass(frozen=True)
class TransferQuery:
    """One partner's transfers (partner_id) or the transfers into one point (point_id)."""

    first: date
    last: date
    partner_id: int | None = None
    point_id: int | None = None
    title: tuple[str, ...] = ()     # 応援ポイント会社 / 自治体名 + 自治体ポイント名 lines


@dataclass(frozen=True)
class TransferSummary:
    count: int
    points: int


def partner_query(conn: Connection, partner_name: str, first: date,
                  last: date) -> TransferQuery | None:
    """None when the login's company is not a registered partner."""
    partner_id = conn.execute(select(Partner.id).where(Partner.name == partner_name)).scalar()
    if partner_id is None:
        return None
    return TransferQuery(first, last, partner_id=partner_id,
                         title=(f"応援ポイント会社: {partner_name}",))


def municipal_query(conn: Connection, code: str, point_id: int, first: date,
                    last: date) -> TransferQuery | None:
    """None when the point is not the municipality's own."""
    row = conn.execute(select(Point.name, Municipality.name)
                       .join(Municipality, Municipality.code == Point.municipality_code)
                       .where(Point.id == point_id, Point.municipality_code == code)).first()
    if row is None:
        return None
    return TransferQuery(first, last, point_id=point_id,
                         title=(f"自治体名: {row[1]}", f"自治体ポイント名: {row[0]}"))


def _where(q: TransferQuery) -> list[ColumnElement[bool]]:
    start = datetime.combine(q.first, time(), JST)
    end = datetime.combine(q.last + timedelta(days=1), time(), JST)
    scope = (PartnerTransfer.partner_id == q.partner_id if q.partner_id is not None
             else PartnerTransfer.point_id == q.point_id)
    return [scope, PartnerTransfer.executed_at >= start, PartnerTransfer.executed_at < end]


def summary(conn: Connection, q: TransferQuery) -> TransferSummary:
    count, points = conn.execute(select(func.count(), func.coalesce(func.sum(
        PartnerTransfer.amount), 0)).where(*_where(q))).one()
    return TransferSummary(int(count), int(points))


def detail_rows(conn: Connection, q: TransferQuery) -> Iterator[list[object]]:
    """明細表 rows in 移行日時 order: time, マイキーID, points (and 移行先 for a partner)."""
    stmt = (select(PartnerTransfer.executed_at, PartnerTransfer.mykey_id, PartnerTransfer.amount,
                   PartnerTransfer.destination_name).where(*_where(q))
            .order_by(PartnerTransfer.executed_at, PartnerTransfer.id))
    for at, mykey_id, amount, destination in conn.execution_options(yield_per=BATCH).execute(stmt):
        row: list[object] = [f"{to_jst(at):%Y/%m/%d %H:%M:%S}", mykey_id, int(amount)]
        yield row + [destination] if q.partner_id is not None else row


def layout(q: TransferQuery, total: TransferSummary) -> Layout:
    """参考82/84: 集計表 (移行件数, 移行ポイント数合計) and 明細表 heads of the download."""
    period = f"{q.first:%Y/%m/%d} ~ {q.last:%Y/%m/%d}"
    title = [[line] for line in q.title]
    header = PARTNER_HEADER if q.partner_id is not None else MUNICIPAL_HEADER
    return Layout([*title, [f"集計期間: {period}"]], SUMMARY_HEADER, [[total.count, total.points]],
                  [*title, [f"ポイント移行期間: {period}"]], header)


def detail_batches(conn: Connection, q: TransferQuery) -> Iterator[Rows]:
    """The 明細表 rows, formula-safe, a cursor batch at a time (for CSV and Excel alike)."""
    return safe_batches(detail_rows(conn, q), BATCH)
