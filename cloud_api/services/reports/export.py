"""The 集計表 + 明細表 downloads of every report (参考82/84/86/88): CSV (UTF-8 with BOM) and Excel.

A report describes its fixed lines once as a `Layout` (title lines, summary table, detail title
and header); the 明細表's rows come from a streaming generator. CSV is yielded in chunks of
encoded lines; Excel is written by an openpyxl write-only workbook to a temporary file (constant
memory) which is then streamed in blocks and deleted. Cells that would start a spreadsheet
formula are prefixed with an apostrophe (CSV injection).
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
from cloud_api.services.validation import CONTROL

BOM = "\ufeff"
FILE_BLOCK = 256 * 1024
EXCEL_MAX_DETAIL_ROWS = 1_000_000   # a sheet holds 1,048,576 rows; continue on 明細表(2) …
SUMMARY_HEADER = ["端末設置場所", "取引回数合計", "利用ポイント数合計"]
DETAIL_HEADER = ["取引日時", "端末設置場所", "マイキーID", "利用ポイント数", "取引済番号"]

Rows = Sequence[Sequence[object]]


@dataclass(frozen=True)
class Layout:
    """The fixed lines of one download: 集計表 (title lines, header, rows) and 明細表 (title
    lines, header). The same layout gives the CSV and the Excel workbook."""

    summary_title: Rows
    summary_header: Sequence[str]
    summary_rows: Rows
    detail_title: Rows
    detail_header: Sequence[str]


@dataclass(frozen=True)
class ReportTitle:
    """The heading lines of both place tables: 集計期間, 自治体名, 自治体ポイント名, 端末設置場所."""

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


def place_layout(title: ReportTitle, summary: PlaceSummary) -> Layout:
    """参考86/88: totals per 端末設置場所 with a 合計 line, detail of every transaction."""
    rows: list[list[object]] = [[r.place, r.count, r.points] for r in summary.rows]
    return Layout(title.lines("集計期間"), SUMMARY_HEADER, rows + [["合計", summary.count, summary.points]],
                  title.lines("ポイント取引期間"), DETAIL_HEADER)


def safe(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def safe_row(row: Sequence[object]) -> list[object]:
    return [safe(c) if isinstance(c, str) else c for c in row]


def csv_chunks(layout: Layout, detail_text: Iterable[str]) -> Iterator[bytes]:
    """集計表, a blank line, then 明細表 — UTF-8 bytes with a BOM; `detail_text` is the 明細表's
    rows as CSV text chunks (e.g. place_report.csv_line_batches or csv_text_batches)."""
    head: list[Sequence[object]] = [
        ["▼集計表"], *layout.summary_title, layout.summary_header, *layout.summary_rows, [],
        ["▼明細表"], *layout.detail_title, layout.detail_header]
    yield (BOM + csv_text([safe_row(r) for r in head])).encode("utf-8")
    for chunk in detail_text:
        yield chunk.encode("utf-8")


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def csv_text_batches(batches: Iterable[Rows]) -> Iterator[str]:
    """Formula-safe rows (see `safe_batches`) as CSV text, one chunk per batch."""
    for batch in batches:
        yield csv_text(batch)


def safe_batches(rows: Iterable[Sequence[object]], size: int) -> Iterator[Rows]:
    """Rows made formula-safe, grouped in lists of `size` (for csv_text_batches / excel_blocks)."""
    batch: list[list[object]] = []
    for row in rows:
        batch.append(safe_row(row))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_excel(path: str, layout: Layout, batches: Iterable[Rows]) -> int:
    """Write the workbook (write-only mode: rows go straight to disk). Returns the detail rows.
    `batches` must already be formula-safe (safe_batches, or made safe by the database)."""
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("集計表")
    for line in [*layout.summary_title, [], layout.summary_header, *layout.summary_rows]:
        sheet.append(_cells(safe_row(line)))
    count = _detail_sheets(wb, layout, batches)
    wb.save(path)
    return count


def _detail_sheets(wb: Workbook, layout: Layout, batches: Iterable[Rows]) -> int:
    count, sheet = 0, _detail_sheet(wb, layout, "明細表")
    for batch in batches:
        for row in batch:
            if count and count % EXCEL_MAX_DETAIL_ROWS == 0:
                sheet = _detail_sheet(wb, layout, f"明細表({count // EXCEL_MAX_DETAIL_ROWS + 1})")
            sheet.append(_cells(row))
            count += 1
    return count


def _cells(row: Sequence[object]) -> list[object]:
    """Excel refuses control characters: one stored before they were refused at input (a
    place name, say) is dropped here rather than failing the whole workbook."""
    return [CONTROL.sub("", c) if isinstance(c, str) else c for c in row]


def _detail_sheet(wb: Workbook, layout: Layout, name: str) -> Any:
    sheet = wb.create_sheet(name)
    for line in [*layout.detail_title, [], layout.detail_header]:
        sheet.append(safe_row(line))
    return sheet


def excel_blocks(layout: Layout, batches: Iterable[Rows], tmp_dir: str | None = None) -> Iterator[bytes]:
    """Build the .xlsx in a temporary file, then yield it in blocks; the file is always removed."""
    fd, path = tempfile.mkstemp(suffix=".xlsx", dir=tmp_dir)
    os.close(fd)
    try:
        write_excel(path, layout, batches)
        with open(path, "rb") as fh:
            while block := fh.read(FILE_BLOCK):
                yield block
    finally:
        os.unlink(path)
