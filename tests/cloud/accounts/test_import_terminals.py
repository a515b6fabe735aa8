"""`mykey-cloud import-terminals`: 様式II (CSV, xlsx) loads; 様式I → generated 様式II; bad rows."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from cloud_api.cli import main
from cloud_api.models.accounts import IdBusiness, Municipality, Terminal
from cloud_api.services.passwords import UNAMBIGUOUS, verify_password

PREAMBLE = [["自治体名", "川崎市"], ["全国地方公共団体コード", "141305"], []]
HEADER = ["区分", "項番", "ID付与事業者名", "設置場所", "端末名", "端末ID", "端末パスワード", "削除要否"]
FORM_II = PREAMBLE + [HEADER,
    ["(ア)", "1", "川崎市立図書館", "高津図書館", "高津図書館1台目", "00052459", "e912kfja", ""],
    ["", "2", "", "高津図書館", "高津図書館2台目", "00052460", "83ka1908f", ""],
    ["", "...", "", "...", "...", "...", "...", ""],
    ["", "小計", "", "", "30台", "", "", ""],
    ["(ア)(イ)", "1", "ブレーメン商店街", "〇〇果実店", "〇〇果実店", "00052489", "oeka92kgj", ""],
    ["(イ)", "1", "", "川崎市藤子・F・不二雄ミュージアム", "川崎市藤子・F・不二雄ミュージアム", "00052559",
     "gja8zo9a", ""],
    ["(ウ)", "1", "", "XX商工会", "XX商工会1台目", "00053059", "rnva8883", ""],
    ["(エ)", "1", "", "XX市", "XX市1台目", "00053062", "ag8ake2", ""]]


@pytest.fixture
def cloud_db(db_url: str, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("MYKEY_CLOUD_HOME", str(tmp_path / "home"))
    assert main(["init-db"]) == 0
    engine = create_engine(db_url)
    with Session(engine) as s, s.begin():
        s.add(Municipality(code="141305", name="川崎市", prefecture="神奈川県"))
        s.flush()
        s.add_all([IdBusiness(id="000001", name="川崎市立図書館", municipality_code="141305"),
                   IdBusiness(id="000002", name="ブレーメン商店街", municipality_code="141305",
                              is_shopping_street=True, street_name="ブレーメン商店街")])
    yield engine
    engine.dispose()


def terminals(engine) -> dict[str, Terminal]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return {t.terminal_id: t for t in s.scalars(select(Terminal))}


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("writer, suffix", [(write_csv, ".csv"), (write_xlsx, ".xlsx")])
def test_form_ii_is_imported(cloud_db, tmp_path: Path, writer, suffix: str, capsys) -> None:
    assert main(["import-terminals", str(writer(tmp_path / f"form2{suffix}", FORM_II))]) == 0
    got = terminals(cloud_db)
    assert sorted(got) == ["00052459", "00052460", "00052489", "00052559", "00053059", "00053062"]
    assert got["00052460"].id_business_id == "000001"          # merged cell continues
    assert got["00052489"].also_point_use and got["00052489"].id_business_id == "000002"
    assert got["00053062"].category == "E" and got["00053062"].state == "issued"
    assert verify_password("ag8ake2", got["00053062"].password_hash)
    assert "新規 6 台" in capsys.readouterr().out


def test_form_i_generates_ids_and_passwords(cloud_db, tmp_path: Path) -> None:
    form_i = PREAMBLE + [HEADER[:5]] + [r[:5] for r in FORM_II[4:]]
    src, out = write_xlsx(tmp_path / "form1.xlsx", form_i), tmp_path / "form2.xlsx"
    assert main(["import-terminals", str(src), "--generate", "--out", str(out)]) == 0
    rows = [[c if c is not None else "" for c in r] for r in
            load_workbook(out).active.iter_rows(values_only=True)]
    header = rows[3]
    assert list(header[5:7]) == ["端末ID", "端末パスワード"]
    made = [(r[5], r[6]) for r in rows[4:] if r[5]]
    assert len(made) == 6 and len({tid for tid, _ in made}) == 6
    stored = terminals(cloud_db)
    for tid, password in made:
        assert len(password) >= 12 and set(password) <= set(UNAMBIGUOUS)
        assert verify_password(password, stored[tid].password_hash)


def test_bad_rows_are_reported_and_nothing_is_imported(cloud_db, tmp_path: Path, capsys) -> None:
    rows = FORM_II + [["(オ)", "9", "", "どこか", "端末", "00060000", "abcdefgh", ""],
                      ["(イ)", "9", "", "", "名前", "00060001", "abcdefgh", ""],
                      ["(イ)", "9", "", "場所", "名前", "6000X", "abcdefgh", ""],
                      ["(イ)", "9", "", "場所", "名前", "00052459", "abcdefgh", ""],
                      ["(ア)", "9", "未登録の事業者", "場所", "名前", "00060003", "abcdefgh", ""]]
    assert main(["import-terminals", str(write_csv(tmp_path / "bad.csv", rows))]) == 1
    err = capsys.readouterr().err
    for row_no in (13, 14, 15, 16, 17):
        assert f"{row_no}行目" in err
    assert terminals(cloud_db) == {}


def test_reimport_keeps_passwords_and_retires_on_request(cloud_db, tmp_path: Path) -> None:
    main(["import-terminals", str(write_csv(tmp_path / "a.csv", FORM_II))])
    changed = [list(r) for r in FORM_II]
    changed[4][6] = "changed-pass"      # 00052459's password in the list is ignored
    changed[5][7] = "要"                # 00052460 削除要否
    assert main(["import-terminals", str(write_csv(tmp_path / "b.csv", changed))]) == 0
    got = terminals(cloud_db)
    assert verify_password("e912kfja", got["00052459"].password_hash)
    assert got["00052460"].state == "retired"


def test_unknown_municipality_is_refused(cloud_db, tmp_path: Path, capsys) -> None:
    rows = [["全国地方公共団体コード", "131164"]] + FORM_II[3:]
    assert main(["import-terminals", str(write_csv(tmp_path / "x.csv", rows))]) == 1
    assert "131164" in capsys.readouterr().err


def test_unreadable_file_is_refused(cloud_db, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"not a workbook")
    assert main(["import-terminals", str(bad)]) == 1
    assert "読み込めません" in capsys.readouterr().err
