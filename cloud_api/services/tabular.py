"""Reading and writing the ministry's list forms (様式I/様式II) as CSV or Excel (.xlsx).

A table is a list of rows of strings. CSV is read as UTF-8 (with or without BOM) or, failing
that, as CP932 (Excel's Japanese CSV); it is written as UTF-8 with BOM so Excel opens it.
"""
from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook

from cloud_api.errors import ApiError

Table = list[list[str]]


def read_table(path: Path) -> Table:
    try:
        if path.suffix.lower() == ".xlsx":
            return _read_xlsx(path)
        return _read_csv(path.read_bytes())
    except (OSError, ValueError, KeyError, csv.Error, zipfile.BadZipFile) as exc:
        raise ApiError("import_file_unreadable", 422) from exc


def _read_csv(raw: bytes) -> Table:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp932")
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]


def _read_xlsx(path: Path) -> Table:
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def write_table(path: Path, rows: Table, sheet_title: str = "様式II") -> None:
    if path.suffix.lower() == ".xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = sheet_title
        for row in rows:
            sheet.append(row)
        book.save(path)
        return
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows(rows)
