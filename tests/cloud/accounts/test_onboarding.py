"""Ministry onboarding commands: add-municipality (check digit, prefecture) and add-id-business."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from cloud_api.cli import main
from cloud_api.models.accounts import IdBusiness, Municipality


@pytest.fixture
def engine(db_url: str, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("MYKEY_CLOUD_HOME", str(tmp_path / "home"))
    assert main(["init-db"]) == 0
    e = create_engine(db_url)
    yield e
    e.dispose()


def rows(engine, model) -> list:  # type: ignore[no-untyped-def,type-arg]
    with Session(engine) as s:
        return list(s.scalars(select(model)))


def test_municipalities_need_a_valid_code_and_its_prefecture(engine, capsys, subtests) -> None:
    assert main(["add-municipality", "141305", "川崎市", "神奈川県"]) == 0
    for args in (["141306", "川崎市", "神奈川県"], ["14130", "川崎市", "神奈川県"],
                 ["131164", "豊島区", "神奈川県"], ["131164", "豊" * 51, "東京都"]):
        with subtests.test(args=args):
            assert main(["add-municipality", *args]) == 1
            assert "エラー: 入力内容に誤りがあります。" in capsys.readouterr().err
    assert [m.code for m in rows(engine, Municipality)] == ["141305"]


def test_id_businesses_get_sequential_six_digit_ids(engine, capsys) -> None:
    main(["add-municipality", "141305", "川崎市", "神奈川県"])
    assert main(["add-id-business", "141305", "川崎市立図書館", "--symbology", "nw7"]) == 0
    assert "000001" in capsys.readouterr().out
    assert main(["add-id-business", "141305", "ブレーメン商店街",
                 "--shopping-street", "ブレーメン商店街"]) == 0
    assert main(["add-id-business", "141305", "川崎市立図書館"]) == 1
    assert "既に" in capsys.readouterr().err
    assert main(["add-id-business", "131164", "どこか"]) == 1
    got = {b.id: (b.name, b.symbology, b.is_shopping_street) for b in rows(engine, IdBusiness)}
    assert got == {"000001": ("川崎市立図書館", "nw7", False),
                   "000002": ("ブレーメン商店街", "code128", True)}
