"""The 集計表 + 明細表 downloads of 画面86/88: CSV (UTF-8 with BOM) and Excel (.xlsx).

Both are produced from the streaming detail generator: CSV is yielded in chunks of encoded
lines; Excel is written by an openpyxl write-only workbook to a temporary file (constant memory)
which is then streamed in blocks and deleted. Cells that would start a spreadsheet formula are
prefixed with an apostrophe (CSV injection).
"""
from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook

from cloud_api.services.reports.place_report import PlaceSummary

BOM = "\ufeff"
FILE_BLOCK = 256 * 1024
EXCEL_MAX_DETAIL_ROWS = 1_000_000   # a sheet holds 1,048,576 rows; continue on 明細表(2) …
SUMMARY_HEADER = ["端末設置場所", "取引回数合計", "利用ポイント数合計"]
DETAIL_HEADER = ["取引日時", "端末設置場所", "マイキーID", "利用ポイント数", "取引済番号"]


@dataclass(frozen=True)
class ReportTitle:
    """The heading lines of both tables: 集計期間, 自治体名, 自治体ポイント名, 端末設置場所."""

    period: str
    municipality: str
    point_name: str
    place: str | None = None

    def lines(self, period_label: str) -> list[list[object]]:
        out: list[list[object]] = [[f"{period_label}: {self.period}"], [f"自治体名: {self.municipality}"],
               [f"自治体ポイント名: {self.point_name}"]]
        if self.place:
            out.append([f"端末設置場所: {self.place}"])
        return out


def summary_rows(summary: PlaceSummary) -> list[list[object]]:
    rows: list[list[object]] = [[r.place, r.count, r.points] for r in summary.rows]
    return rows + [["合計", summary.count, summary.points]]


def safe(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def csv_chunks(title: ReportTitle, summary: PlaceSummary, detail_text: Iterable[str]) -> Iterator[bytes]:
    """集計表, a blank line, then 明細表 — UTF-8 bytes with a BOM; `detail_text` is the 明細表's
    rows as CSV text chunks (place_report.csv_line_batches)."""
    head: list[Sequence[object]] = [["▼集計表"], *title.lines("集計期間"), SUMMARY_HEADER,
                                    *[[safe(str(r[0])), *r[1:]] for r in summary_rows(summary)],
                                    [], ["▼明細表"], *title.lines("ポイント取引期間"), DETAIL_HEADER]
    yield (BOM + _csv_text(head)).encode("utf-8")
    for chunk in detail_text:
        yield chunk.encode("utf-8")


def _csv_text(rows: Iterable[Sequence[object]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def write_excel(path: str, title: ReportTitle, summary: PlaceSummary,
                batches: Iterable[Sequence[Sequence[object]]]) -> int:
    """Write the workbook (write-only mode: rows go straight to disk). Returns the detail rows."""
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("集計表")
    lines: list[Sequence[object]] = [*title.lines("集計期間"), [], SUMMARY_HEADER, *summary_rows(summary)]
    for line in lines:
        sheet.append([safe(c) if isinstance(c, str) else c for c in line])
    count = _detail_sheets(wb, title, batches)
    wb.save(path)
    return count


def _detail_sheets(wb: Workbook, title: ReportTitle, batches: Iterable[Sequence[Sequence[object]]]) -> int:
    count, sheet = 0, _detail_sheet(wb, title, "明細表")
    for batch in batches:
        for row in batch:
            if count and count % EXCEL_MAX_DETAIL_ROWS == 0:
                sheet = _detail_sheet(wb, title, f"明細表({count // EXCEL_MAX_DETAIL_ROWS + 1})")
            sheet.append(list(row))
            count += 1
    return count


def _detail_sheet(wb: Workbook, title: ReportTitle, name: str) -> Any:
    sheet = wb.create_sheet(name)
    for line in [*title.lines("ポイント取引期間"), [], DETAIL_HEADER]:
        sheet.append(line)
    return sheet


def excel_blocks(title: ReportTitle, summary: PlaceSummary,
                 batches: Iterable[Sequence[Sequence[object]]],
                 tmp_dir: str | None = None) -> Iterator[bytes]:
    """Build the .xlsx in a temporary file, then yield it in blocks; the file is always removed."""
    fd, path = tempfile.mkstemp(suffix=".xlsx", dir=tmp_dir)
    os.close(fd)
    try:
        write_excel(path, title, summary, batches)
        with open(path, "rb") as fh:
            while block := fh.read(FILE_BLOCK):
                yield block
    finally:
        os.unlink(path)
