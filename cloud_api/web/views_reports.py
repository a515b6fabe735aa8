"""画面85-88 自治体ポイント集計 (with chart) and 画面81-84 応援ポイント移行集計, with their CSV and
Excel downloads (集計表 + 明細表)."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from flask import Response, render_template, request, stream_with_context
from markupsafe import Markup
from sqlalchemy.engine import Connection

from cloud_api.context import cloud
from cloud_api.errors import FieldError, NotFound
from cloud_api.messages import message
from cloud_api.services.console import point_setup
from cloud_api.services.console.fields import parse_period
from cloud_api.services.console.identity import SHOP, ConsoleIdentity
from cloud_api.services.reports import export, place_report, scope
from cloud_api.services.reports import transfer_report as transfer_reports
from cloud_api.services.reports.reader import read_connection
from cloud_api.services.validation import digits
from cloud_api.web import chart, security, transfer_page
from cloud_api.web.blueprint import bp
from cloud_api.web.downloads import report_file


@dataclass
class ReportRequest:
    """The 集計条件 as typed, and the checked query when they are valid."""

    args: dict[str, str]
    query: place_report.PlaceQuery | None
    errors: list[FieldError]


@bp.get("/reports/place")
@security.screen("place_report")
def place_report_page() -> str | tuple[str, int]:
    identity = security.current()
    with read_connection(cloud().engine) as conn:
        req = _read_request(conn, identity) if "show" in request.args else None
        page = _page_context(conn, identity, req)
    return render_template("place_report.html", **page), 422 if req and req.errors else 200


@bp.get("/reports/place.csv")
@security.screen("place_report")
def place_report_csv() -> Response:
    return _download("csv")


@bp.get("/reports/place.xlsx")
@security.screen("place_report")
def place_report_xlsx() -> Response:
    return _download("xlsx")


@bp.get("/reports/transfers")
@security.screen("transfer_report")
def transfer_report() -> str | tuple[str, int]:
    """画面81 (partner) / 画面83 (municipality): 移行件数 and 移行ポイント数合計 of a period."""
    identity = security.current()
    with read_connection(cloud().engine) as conn:
        req = (transfer_page.read_request(conn, identity, request.args.to_dict())
               if "show" in request.args else None)
        page = transfer_page.page_context(conn, identity, req)
    return render_template("transfer_report.html", **page), 422 if req and req.errors else 200


@bp.get("/reports/transfers.csv")
@security.screen("transfer_report")
def transfer_report_csv() -> Response:
    """参考82/84: 集計表 + 明細表 as CSV, from one read-only snapshot."""
    return _transfer_download("csv")


@bp.get("/reports/transfers.xlsx")
@security.screen("transfer_report")
def transfer_report_xlsx() -> Response:
    """参考82/84: 集計表 + 明細表 as an Excel workbook (two sheets), from one snapshot."""
    return _transfer_download("xlsx")


def _transfer_download(kind: str) -> Response:
    identity, engine, tmp_dir = security.current(), cloud().engine, str(cloud().settings.data_dir)
    with read_connection(engine) as conn:
        req = transfer_page.read_request(conn, identity, request.args.to_dict())
    if req.errors or req.query is None:
        raise NotFound()
    query = req.query

    def body() -> Iterator[bytes]:
        with read_connection(engine) as snap:
            layout = transfer_reports.layout(query, transfer_reports.summary(snap, query))
            batches = transfer_reports.detail_batches(snap, query)
            if kind == "csv":
                yield from export.csv_chunks(layout, export.csv_text_batches(batches))
            else:
                yield from export.excel_blocks(layout, batches, tmp_dir)

    name = f"応援ポイント移行集計_{query.first:%Y%m%d}-{query.last:%Y%m%d}"
    return report_file(stream_with_context(body()), name, kind)


def _download(kind: str) -> Response:
    identity = security.current()
    engine, tmp_dir = cloud().engine, str(cloud().settings.data_dir)
    with read_connection(engine) as conn:
        req = _read_request(conn, identity)
    if req.errors or req.query is None:
        raise NotFound()
    query = req.query

    def body() -> Iterator[bytes]:
        # one read-only snapshot: the 集計表 and the 明細表 always agree
        with read_connection(engine) as snap:
            title, summary = _title(snap, identity, query), place_report.summary(snap, query)
            layout = export.place_layout(title, summary)
            if kind == "csv":
                yield from export.csv_chunks(layout, place_report.csv_line_batches(snap, query))
            else:
                yield from export.excel_blocks(layout, place_report.detail_batches(snap, query), tmp_dir)

    name = f"自治体ポイント集計_{query.first:%Y%m%d}-{query.last:%Y%m%d}"
    return report_file(stream_with_context(body()), name, kind)


def _read_request(conn: Connection, identity: ConsoleIdentity) -> ReportRequest:
    args = {k: request.args.get(k, "") for k in ("from", "to", "point_id", "place")}
    period, errors = parse_period(args["from"], args["to"])
    point_id = int(args["point_id"]) if digits(args["point_id"], 8) else -1
    query = None
    if period:
        query = _query(conn, identity, point_id, period, args["place"])
        if query is None:
            errors.append(FieldError("point_id", "choice", message("web_point_required")))
    return ReportRequest(args, query, errors)


def _query(conn: Connection, identity: ConsoleIdentity, point_id: int,
           period: tuple[date, date], place: str) -> place_report.PlaceQuery | None:
    code = identity.municipality_code or ""
    if identity.kind == SHOP:
        return scope.shop_query(conn, identity.terminal_id or "", identity.place or "",
                                point_id, *period, today=cloud().clock.today())
    return scope.municipal_query(conn, code, point_id, *period, place)


def _page_context(conn: Connection, identity: ConsoleIdentity, req: ReportRequest | None) -> dict[str, object]:
    code = identity.municipality_code or ""
    shop = identity.kind == SHOP
    terminals = (identity.terminal_id or "",) if shop else ()
    points = (scope.shop_points(conn, terminals, cloud().clock.today()) if shop
              else scope.municipal_points(conn, code))
    ctx: dict[str, object] = {
        "args": req.args if req else {}, "errors": {e.field: e.message for e in req.errors} if req else {},
        "points": points, "shop": shop,
        "places": [] if shop else place_report.terminal_places(conn, code), "summary": None}
    if req and req.query and not req.errors:
        q = req.query
        ctx["summary"] = place_report.summary(conn, q)
        lines = chart.series(place_report.daily(conn, q), q.first, q.last)
        ctx["chart"] = Markup(chart.svg(lines, q.first))
        ctx["download_args"] = {k: v for k, v in req.args.items() if v}
    return ctx


def _title(conn: Connection, identity: ConsoleIdentity, q: place_report.PlaceQuery) -> export.ReportTitle:
    point_name, town = point_setup.report_names(conn, q.point_ids[0], identity.municipality_code)
    return export.ReportTitle(f"{q.first:%Y/%m/%d} ~ {q.last:%Y/%m/%d}", town, point_name, q.place)
