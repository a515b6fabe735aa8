"""画面81-84 応援ポイント移行集計: reading the 集計条件 and building the page, by login kind.

A partner login reports on its own company (from the login, never the query string); a
municipality on one of its own points. Routes are in views_reports.py.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Connection

from cloud_api.errors import FieldError
from cloud_api.messages import message
from cloud_api.services.console.fields import parse_period
from cloud_api.services.console.identity import PARTNER, ConsoleIdentity
from cloud_api.services.reports import scope, transfer_report
from cloud_api.services.validation import digits

FIELDS = ("from", "to", "point_id")


@dataclass
class TransferRequest:
    """The 集計条件 as typed, and the checked query when they are valid."""

    args: dict[str, str]
    query: transfer_report.TransferQuery | None
    errors: list[FieldError]


def read_request(conn: Connection, identity: ConsoleIdentity,
                 raw: dict[str, str]) -> TransferRequest:
    args = {k: raw.get(k, "") for k in FIELDS}
    period, errors = parse_period(args["from"], args["to"])
    query = None
    if period and identity.kind == PARTNER:
        query = transfer_report.partner_query(conn, identity.partner_name or "", *period)
        if query is None:
            errors.append(FieldError("partner", "unknown", message("web_partner_unregistered")))
    elif period:
        point_id = int(args["point_id"]) if digits(args["point_id"], 8) else -1
        query = transfer_report.municipal_query(conn, identity.municipality_code or "",
                                                point_id, *period)
        if query is None:
            errors.append(FieldError("point_id", "choice", message("web_point_required")))
    return TransferRequest(args, query, errors)


def page_context(conn: Connection, identity: ConsoleIdentity,
                 req: TransferRequest | None) -> dict[str, object]:
    partner = identity.kind == PARTNER
    points = [] if partner else scope.municipal_points(conn, identity.municipality_code or "")
    ctx: dict[str, object] = {
        "args": req.args if req else {}, "points": points, "partner": partner, "summary": None,
        "errors": {e.field: e.message for e in req.errors} if req else {}}
    if req and req.query and not req.errors:
        ctx["summary"] = transfer_report.summary(conn, req.query)
        ctx["download_args"] = {k: v for k, v in req.args.items() if v}
    return ctx
