"""Importing the terminal lists 様式I / 様式II, and generating 様式II from 様式I.

Layout (CSV or the first sheet of an .xlsx): optional preamble rows ``自治体名,川崎市`` and
``全国地方公共団体コード,141305``, then a header row with the columns 区分, 項番, ID付与事業者名,
設置場所, 端末名, 端末ID, 端末パスワード, 削除要否 (any order; 様式I has no ID/password). Blank
区分 / ID付与事業者名 cells continue the row above (merged cells of the form); 小計/合計 and "..."
rows are skipped. 区分 is (ア)/(イ)/(ウ)/(エ) (or A/I/U/E); "(ア)(イ)" marks a (ア) terminal also
used for points. 削除要否 "要" (or ○, 1) retires an existing terminal.

Every row is checked first; one bad row rejects the whole file (reported by row number).
Existing terminals keep their password and registration; their place/name/business are updated.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cloud_api.errors import ApiError
from cloud_api.messages import message
from cloud_api.models.accounts import IdBusiness, Municipality, Terminal
from cloud_api.services.passwords import generate_password, hash_password
from cloud_api.services.tabular import Table, read_table, write_table
from cloud_api.services.validation import TERMINAL_ID, digits, is_municipality_code

log = logging.getLogger(__name__)

COLUMNS = ("区分", "項番", "ID付与事業者名", "設置場所", "端末名", "端末ID", "端末パスワード", "削除要否")
REQUIRED = ("区分", "設置場所", "端末名")
CATEGORY = {"ア": "A", "イ": "I", "ウ": "U", "エ": "E", "A": "A", "I": "I", "U": "U", "E": "E"}
PASSWORD = re.compile(r"^[\x21-\x7e]{6,64}$")
DELETE_MARKS = {"要", "○", "〇", "1", "削除"}


@dataclass
class TerminalRow:
    row_no: int
    category: str
    also_point_use: bool
    section_no: int | None
    business_name: str
    place: str
    name: str
    terminal_id: str
    password: str
    delete: bool


@dataclass
class ParsedList:
    municipality_code: str | None
    header_index: int
    columns: dict[str, int]
    rows: list[TerminalRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def parse(table: Table, municipality_code: str | None = None) -> ParsedList:
    header_index = next((i for i, r in enumerate(table) if "端末名" in r and "区分" in r), -1)
    if header_index < 0:
        raise ApiError("import_missing_columns", 422, columns="、".join(REQUIRED))
    header = table[header_index]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ApiError("import_missing_columns", 422, columns="、".join(missing))
    columns = {name: header.index(name) for name in COLUMNS if name in header}
    parsed = ParsedList(municipality_code or _preamble_code(table[:header_index]), header_index,
                        columns)
    _parse_rows(parsed, table)
    return parsed


def _preamble_code(rows: Table) -> str | None:
    for row in rows:
        if len(row) >= 2 and row[0] == "全国地方公共団体コード":
            return row[1].zfill(6)
    return None


def _parse_rows(parsed: ParsedList, table: Table) -> None:
    carry = {"区分": "", "ID付与事業者名": ""}
    for i in range(parsed.header_index + 1, len(table)):
        cells = {n: (table[i][c] if c < len(table[i]) else "") for n, c in parsed.columns.items()}
        if _skippable(cells):
            continue
        for name in ("区分", "ID付与事業者名"):   # in this order: a new 区分 resets the business
            if cells.get(name):
                if name == "区分" and cells[name] != carry[name]:
                    carry["ID付与事業者名"] = ""  # a new section starts its own businesses
                carry[name] = cells[name]
            cells[name] = carry[name]
        row, problem = _row(i + 1, cells)
        if problem:
            parsed.errors.append(message("import_row_error", row=i + 1, problem=problem))
        elif row:
            parsed.rows.append(row)


def _skippable(cells: dict[str, str]) -> bool:
    values = [v for v in cells.values() if v]
    if not values or all(v in ("...", "…") for v in values):
        return True
    return any(v.startswith(("小計", "合計")) or "端末台数" in v for v in values)


def _row(row_no: int, cells: dict[str, str]) -> tuple[TerminalRow | None, str | None]:
    marks = re.findall(r"[アイウエAIUE]", cells.get("区分", "").replace("(", "").replace(")", ""))
    if not marks or marks[0] not in CATEGORY:
        return None, "区分は (ア)(イ)(ウ)(エ) のいずれかを入力してください。"
    category = CATEGORY[marks[0]]
    also = category == "A" and len(marks) > 1 and CATEGORY.get(marks[1]) == "I"
    terminal_id = cells.get("端末ID", "")
    terminal_id = terminal_id.zfill(8) if digits(terminal_id, 8) else terminal_id
    row = TerminalRow(row_no, category, also, _int(cells.get("項番", "")),
                      cells.get("ID付与事業者名", "") if category == "A" else "",
                      cells.get("設置場所", ""), cells.get("端末名", ""), terminal_id,
                      cells.get("端末パスワード", ""), cells.get("削除要否", "") in DELETE_MARKS)
    return row, _row_problem(row)


def _int(text: str) -> int | None:
    return int(text) if digits(text, 9) else None


def _row_problem(row: TerminalRow) -> str | None:
    if not row.place or len(row.place) > 50:
        return "設置場所は1〜50文字で入力してください。"
    if not row.name or len(row.name) > 50:
        return "端末名は1〜50文字で入力してください。"
    if row.category == "A" and not row.business_name:
        return "(ア)の端末にはID付与事業者名が必要です。"
    if row.terminal_id and not TERMINAL_ID.fullmatch(row.terminal_id):
        return "端末IDは8桁の数字で入力してください。"
    if row.password and not PASSWORD.fullmatch(row.password):
        return "端末パスワードは6〜64文字の半角英数字・記号で入力してください。"
    if bool(row.terminal_id) != bool(row.password) and not row.delete:
        return "端末IDと端末パスワードは両方入力してください。"
    return None


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    generated: dict[str, str] = field(default_factory=dict)   # terminal_id -> password (--generate)


def check_against_db(session: Session, parsed: ParsedList, generate: bool) -> dict[str, str]:
    """Municipality, ID businesses, duplicate IDs; returns business name -> id. Raises on errors."""
    code = parsed.municipality_code
    if not code or not is_municipality_code(code) or session.get(Municipality, code) is None:
        raise ApiError("import_unknown_municipality", 422, municipality_code=code or "")
    businesses = {b.name: b.id for b in session.scalars(
        select(IdBusiness).where(IdBusiness.municipality_code == code))}
    errors, seen = list(parsed.errors), set[str]()
    for row in parsed.rows:
        problem = _db_problem(session, row, code, businesses, seen, generate)
        if problem:
            errors.append(message("import_row_error", row=row.row_no, problem=problem))
    if not parsed.rows and not errors:
        raise ApiError("import_no_rows", 422)
    if errors:
        raise ApiError("import_bad_rows", 422, rows=" / ".join(errors))
    return businesses


def _db_problem(session: Session, row: TerminalRow, code: str, businesses: dict[str, str],
                seen: set[str], generate: bool) -> str | None:
    if row.category == "A" and row.business_name not in businesses:
        return f"ID付与事業者「{row.business_name}」が登録されていません。"
    if not row.terminal_id and not generate:
        return "端末IDと端末パスワードがありません（様式Iから作成するには --generate を指定します）。"
    if row.terminal_id and row.terminal_id in seen:
        return f"端末ID {row.terminal_id} がファイル内で重複しています。"
    seen.add(row.terminal_id)
    existing = session.get(Terminal, row.terminal_id) if row.terminal_id else None
    if existing is not None and existing.municipality_code != code:
        return f"端末ID {row.terminal_id} は別の自治体の端末です。"
    return None


def apply(session: Session, parsed: ParsedList, generate: bool = False) -> ImportResult:
    """Import every row (all or nothing: the caller's transaction rolls back on error)."""
    businesses = check_against_db(session, parsed, generate)
    result, next_id = ImportResult(), _next_terminal_id(session, parsed)
    for row in parsed.rows:
        if not row.terminal_id:
            row.terminal_id, row.password = f"{next_id:08d}", generate_password()
            result.generated[row.terminal_id] = row.password
            next_id += 1
        _apply_row(session, row, parsed.municipality_code or "", businesses, result)
    session.flush()
    log.info("terminal list imported: %d new, %d updated, %d retired", len(result.created),
             len(result.updated), len(result.retired))
    return result


def _next_terminal_id(session: Session, parsed: ParsedList) -> int:
    in_db = session.scalar(select(func.max(Terminal.terminal_id))) or "0"
    in_file = [int(r.terminal_id) for r in parsed.rows if r.terminal_id]
    return max([int(in_db), *in_file]) + 1


def _apply_row(session: Session, row: TerminalRow, code: str, businesses: dict[str, str],
               result: ImportResult) -> None:
    terminal = session.get(Terminal, row.terminal_id)
    business_id = businesses.get(row.business_name) if row.category == "A" else None
    if row.delete:
        if terminal is not None:
            terminal.state = "retired"
            result.retired.append(row.terminal_id)
        return
    if terminal is None:
        session.add(Terminal(
            terminal_id=row.terminal_id, municipality_code=code, category=row.category,
            also_point_use=row.also_point_use, id_business_id=business_id,
            section_no=row.section_no, place=row.place, name=row.name,
            password_hash=hash_password(row.password), state="issued", failed_attempts=0))
        result.created.append(row.terminal_id)
        return
    terminal.category, terminal.also_point_use = row.category, row.also_point_use
    terminal.id_business_id, terminal.section_no = business_id, row.section_no
    terminal.place, terminal.name = row.place, row.name
    result.updated.append(row.terminal_id)


def write_form_ii(source: Table, parsed: ParsedList, out: Path) -> None:
    """様式II: the input table with the terminal ID and password columns filled in."""
    header = list(source[parsed.header_index])
    for name in ("端末ID", "端末パスワード"):
        if name not in header:
            header.append(name)
    id_col, pw_col = header.index("端末ID"), header.index("端末パスワード")
    by_row = {r.row_no: r for r in parsed.rows}
    rows = [list(r) for r in source[:parsed.header_index]] + [header]
    for i in range(parsed.header_index + 1, len(source)):
        row = list(source[i]) + [""] * max(0, len(header) - len(source[i]))
        if (i + 1) in by_row:
            row[id_col], row[pw_col] = by_row[i + 1].terminal_id, by_row[i + 1].password
        rows.append(row)
    write_table(out, rows)


def load(path: Path, municipality_code: str | None = None) -> tuple[Table, ParsedList]:
    table = read_table(path)
    return table, parse(table, municipality_code)
