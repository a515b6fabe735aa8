"""Roster Excel files (画面71/73): template download, branch export → main-office import,
and a file with a bad row that imports nothing and names the row."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from terminal_app.domain.errors import UserFacingError
from terminal_app.grant_support.excel import COLUMNS, SHEET
from tests.grant.helpers import BRANCH_TERMINAL, BUSINESS_ID, GRANT_TERMINAL, HOLDER, OTHER

FIELDS = ("name", "birth_date", "address", "sex", "phone", "email", "notes")


def support_of(terminal: Any, which: tuple[str, str] = GRANT_TERMINAL) -> Any:
    _, grants = terminal(terminal=which)
    grants.support.login(*which)
    grants.support.choose_fields(FIELDS)
    return grants.support


def fill(template: Path, rows: list[list[Any]], target: Path) -> Path:
    book = load_workbook(template)
    for row in rows:
        book[SHEET].append(row)
    book.save(target)
    return target


def test_template_names_the_business_and_has_the_columns(terminal: Any, tmp_path: Path) -> None:
    support = support_of(terminal)
    path = support.write_template(BUSINESS_ID, tmp_path / "様式.xlsx")
    book = load_workbook(path)
    assert [c.value for c in book[SHEET][1]] == list(COLUMNS)
    info = {r[0]: r[1] for r in book["説明"].iter_rows(values_only=True)}
    assert info["自治体名"] == "川崎市" and info["ポイント付与事業"] == "健康づくり事業"
    assert info["一人当たりの付与ポイント数"] == 100


def test_branch_export_merges_into_the_main_office(terminal: Any, tmp_path: Path) -> None:
    branch, main = support_of(terminal, BRANCH_TERMINAL), support_of(terminal)
    branch.register(BUSINESS_ID, {"mykey_id": HOLDER, "name": "川崎 花子",
                                  "birth_date": "1985-04-02", "phone": "044-000-1111"})
    main.register(BUSINESS_ID, {"mykey_id": OTHER, "name": "高津 太郎"})
    exported = branch.export_roster(BUSINESS_ID, tmp_path / "支所名簿.xlsx")
    count, synced = main.import_roster(BUSINESS_ID, exported)
    assert (count, synced) == (1, True)
    rows = {r.mykey_id: r for r in main.store.roster(BUSINESS_ID)}
    assert set(rows) == {HOLDER, OTHER}
    assert rows[HOLDER].person.birth_date.isoformat() == "1985-04-02"
    assert rows[HOLDER].person.phone == "044-000-1111" and rows[HOLDER].points == 100
    assert sorted(main.cloud.roster(BUSINESS_ID)) == [(OTHER, 100), (HOLDER, 100)]


def test_a_bad_row_imports_nothing_and_names_the_row(terminal: Any, tmp_path: Path) -> None:
    support = support_of(terminal)
    template = support.write_template(BUSINESS_ID, tmp_path / "様式.xlsx")
    path = fill(template, [
        ["0001", HOLDER, "141305", "川崎 花子", "1985年4月2日", "", "女", "", "", ""],
        ["0001", "my12", "141305", "誰か", "", "", "", "", "", ""],
        ["0001", OTHER, "141305", "高津 太郎", "", "", "", "", "taro@", ""],
        ["0001", HOLDER, "141305", "二重", "", "", "", "", "", ""],
        ["0001", "ABCD1234", "131164", "他の自治体", "", "", "", "", "", ""],
    ], tmp_path / "取り込み.xlsx")
    with pytest.raises(UserFacingError) as caught:
        support.import_roster(BUSINESS_ID, path)
    text = str(caught.value)
    assert "何も登録していません" in text
    assert "3行目: マイキーIDは英大文字と数字の8文字です。" in text
    assert "4行目: メールアドレスの形式が正しくありません。" in text
    assert "5行目: マイキーID MY123456 が2行目と重複しています" in text
    assert "6行目: 全国地方公共団体コード 131164 はこの自治体ではありません" in text
    assert "2行目" not in text.split("5行目")[0]
    assert support.store.roster(BUSINESS_ID) == []
    assert support.cloud.roster(BUSINESS_ID) == []


def test_not_an_excel_file_is_a_clear_error(terminal: Any, tmp_path: Path) -> None:
    support = support_of(terminal)
    path = tmp_path / "名簿.xlsx"
    path.write_text("これはExcelではありません")
    with pytest.raises(UserFacingError, match="Excel ファイル"):
        support.import_roster(BUSINESS_ID, path)
