"""Place reports for the calling terminal (画面87 / 参考88): JSON summary + capped rows, and the
CSV download (集計表 + 明細表, UTF-8 with BOM) streamed row by row from a server-side cursor."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Any

from flask import Response, g, stream_with_context

from cloud_api.api import points_input as inp
from cloud_api.api.auth import require_terminal
from cloud_api.api.blueprint import bp
from cloud_api.context import cloud
from cloud_api.db import unit_of_work
from cloud_api.services.ledger import reports
from cloud_api.services.ledger.refs import to_jst


@bp.get("/reports/place")
@require_terminal("report_place")
def place_report() -> dict[str, Any]:
    frm, to = inp.period()
    with unit_of_work(cloud().sessions) as session:
        total = reports.summary(session, g.terminal, frm, to)
        rows = list(reports.rows(session, g.terminal, frm, to, limit=reports.ROW_CAP + 1))
    return {"place": total.place, "from": frm.isoformat(), "to": to.isoformat(),
            "count": total.count, "points": total.points,
            "rows": [_row_json(r) for r in rows[:reports.ROW_CAP]],
            "truncated": len(rows) > reports.ROW_CAP}


def _row_json(r: reports.ReportRow) -> dict[str, Any]:
    return {"executed_at": to_jst(r.executed_at).isoformat(timespec="seconds"), "place": r.place,
            "mykey_id": r.mykey_id, "amount": r.amount, "terminal_id": r.terminal_id,
            "txn_no": r.txn_no}


@bp.get("/reports/place.csv")
@require_terminal("report_place")
def place_report_csv() -> Response:
    frm, to = inp.period()
    terminal, sessions = g.terminal, cloud().sessions
    name = f"place_report_{frm:%Y%m%d}_{to:%Y%m%d}.csv"
    return Response(stream_with_context(_csv(sessions, terminal, frm, to)),
                    mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _csv(sessions: Any, terminal: Any, frm: date, to: date) -> Iterator[str]:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")

    def flush() -> str:
        text = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return text

    with unit_of_work(sessions) as session:
        total = reports.summary(session, terminal, frm, to)
        period = f"{frm:%Y/%m/%d}～{to:%Y/%m/%d}"
        for line in _header_lines(period, terminal.place, total):
            out.writerow(line)
        yield "\ufeff" + flush()
        for i, r in enumerate(reports.rows(session, terminal, frm, to)):
            out.writerow([f"{to_jst(r.executed_at):%Y/%m/%d %H:%M:%S}", r.place, r.mykey_id,
                          r.amount, r.terminal_id, r.txn_no])
            if i % 500 == 499:
                yield flush()
        out.writerow(["以上"])
        yield flush()


def _header_lines(period: str, place: str, total: reports.PlaceSummary) -> list[list[Any]]:
    return [["▼集計表"], [f"集計期間：{period}"], [f"端末設置場所：{place}"],
            ["端末設置場所", "取引回数合計", "利用ポイント数合計"],
            [total.place, total.count, total.points], [],
            ["▼明細表"], [f"ポイント取引期間：{period}"], [f"端末設置場所：{place}"],
            ["取引日時", "端末設置場所", "マイキーID", "利用ポイント数", "端末ID", "取引済番号"]]
