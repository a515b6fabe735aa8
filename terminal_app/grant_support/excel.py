"""Roster Excel files (画面71/73): the import template, export from a branch, import at the
main office.

One sheet 「対象者名簿」 with the 画面71 columns in row 1 and one person per row. An import checks
every row first (MyKey ID, business, municipality, person fields, duplicates inside the file)
and reports bad rows by their Excel row number; only a fully valid file is written, in one
local transaction (then pushed to the cloud), so nothing is ever half-imported.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from terminal_app.domain.errors import FieldErrors, UserFacingError
from terminal_app.grant_support import rules
from terminal_app.grant_support.models import GrantBusiness, Person, RosterRow
from terminal_app.messages import message

log = logging.getLogger(__name__)

SHEET = "対象者名簿"
COLUMNS = ("付与事業ID", "マイキーID", "全国地方公共団体コード", "名前", "生年月日", "住所", "性別",
           "電話番号", "メールアドレス", "備考")
KEYS = ("business_id", "mykey_id", "municipality_code", "name", "birth_date", "address", "sex",
        "phone", "email", "notes")
MAX_REPORTED = 20


@dataclass(frozen=True)
class ImportTarget:
    """Where an import goes: the chosen business of this municipality."""

    business: GrantBusiness
    municipality_code: str
    municipality_name: str


def write_template(path: Path, target: ImportTarget) -> Path:
    """取り込み入力用様式ダウンロード: the header row plus a sheet explaining the business."""
    book = _book([])
    info = book.create_sheet("説明")
    for row in (("自治体名", target.municipality_name),
                ("全国地方公共団体コード", target.municipality_code),
                ("ポイント付与事業", target.business.name),
                ("付与事業ID", target.business.business_id),
                ("一人当たりの付与ポイント数", target.business.points_per_grant),
                ("生年月日の書き方", "1980-04-04 または 1980年4月4日")):
        info.append(row)
    return _save(book, path)


def write_roster(path: Path, rows: list[RosterRow], municipality_code: str) -> Path:
    """名簿ダウンロード: the roster of one business as a file the main office can import."""
    return _save(_book([_cells(r, municipality_code) for r in rows]), path)


def _cells(row: RosterRow, code: str) -> list[Any]:
    p = row.person
    birth = p.birth_date.isoformat() if p.birth_date else None
    return [row.business_id, row.mykey_id, code, p.name, birth, p.address, p.sex, p.phone,
            p.email, p.notes]


def _book(rows: list[list[Any]]) -> Any:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)
    return book


def _save(book: Any, path: Path) -> Path:
    tmp = path.with_name(path.name + ".part")
    book.save(str(tmp))
    tmp.replace(path)
    return path


def read_roster(path: Path, target: ImportTarget, fields: tuple[str, ...]) -> list[Person]:
    """Every row as a Person, or UserFacingError naming every bad row (nothing is returned)."""
    rows = _load_rows(path)
    people: list[Person] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, values in rows:
        problem = _check_row(values, target, fields, seen, number, people)
        if problem:
            problems.append(message("grant_excel_row", row=number, problem=problem))
    if problems:
        shown = "／".join(problems[:MAX_REPORTED]) + ("…" if len(problems) > MAX_REPORTED else "")
        raise UserFacingError("grant_excel_bad_rows", rows=shown)
    if not people:
        raise UserFacingError("grant_excel_no_rows")
    return people


def _load_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(str(path), read_only=True, data_only=True)
    except Exception as exc:
        raise UserFacingError("grant_excel_unreadable", reason=type(exc).__name__) from exc
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        lines = list(sheet.iter_rows(values_only=True))
    finally:
        book.close()
    header = tuple(_text(v) for v in (lines[0] if lines else ()))[:len(COLUMNS)]
    if header != COLUMNS:
        raise UserFacingError("grant_excel_columns", columns="、".join(COLUMNS))
    return [(n, dict(zip(KEYS, (_text(v) for v in line), strict=False)))
            for n, line in enumerate(lines[1:], start=2) if any(_text(v) for v in line)]


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value).strip()


def _check_row(values: dict[str, str], target: ImportTarget, fields: tuple[str, ...],
               seen: dict[str, int], number: int, people: list[Person]) -> str | None:
    business_id = rules.clean(values.get("business_id")).zfill(4)
    if business_id != target.business.business_id:
        return message("grant_excel_other_business", business_id=values.get("business_id"))
    code = rules.clean(values.get("municipality_code"))
    if code and code != target.municipality_code:
        return message("grant_excel_other_municipality", municipality_code=code)
    try:
        person = rules.person(values, fields)
    except FieldErrors as exc:
        return "、".join(exc.errors.values())
    if person.mykey_id in seen:
        return message("grant_excel_duplicate_row", mykey_id=person.mykey_id,
                       first=seen[person.mykey_id])
    seen[person.mykey_id] = number
    people.append(person)
    return None
