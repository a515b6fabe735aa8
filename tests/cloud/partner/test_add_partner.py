"""GIVEN the cloud WHEN `mykey-cloud add-partner` registers a company THEN imports can use it."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from cloud_api.cli import main
from cloud_api.db import unit_of_work
from cloud_api.models.partners import Partner
from tests.cloud.partner.conftest import World
from tests.cloud.partner.test_import import HEADER


def partners(world: World) -> list[tuple[str, int, int, str]]:
    with unit_of_work(world.sessions) as s:
        return [(p.name, p.partner_points, p.support_points, p.unit)
                for p in s.scalars(select(Partner).order_by(Partner.name))]


def test_registered_partner_converts_at_its_rate(world: World, cli_env: None, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["add-partner", "楽天", "--rate", "3:1", "--unit", "ポイント"]) == 0
    assert "3ポイント = 1ポイント" in capsys.readouterr().out
    path = tmp_path / "r.csv"
    path.write_text(",".join(HEADER) + "\nR-1,2026/11/20 10:00:00,TARO0101,30,留保\n", encoding="utf-8")
    assert main(["import-partner-transfers", "--partner", "楽天", str(path)]) == 0
    assert "1 件取り込みました" in capsys.readouterr().out


@pytest.mark.parametrize("args, text", [
    (["JAL", "--rate", "1:1", "--unit", "マイル"], "既に登録されています"),
    (["X", "--rate", "0:10", "--unit", "pt"], "交換比率"), (["X", "--rate", "2/1", "--unit", "pt"], "交換比率"),
    (["  ", "--rate", "1:1", "--unit", "pt"], "50文字以内")])
def test_bad_partner_is_refused_and_nothing_changes(world: World, cli_env: None,
                                                    capsys: pytest.CaptureFixture[str],
                                                    args: list[str], text: str) -> None:
    before = partners(world)
    assert main(["add-partner", *args]) == 1
    assert text in capsys.readouterr().err
    assert partners(world) == before
