"""GIVEN a partner's batch CSV WHEN `mykey-cloud import-partner-transfers` runs THEN all or nothing."""
from __future__ import annotations

import csv
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from cloud_api.cli import main
from cloud_api.clock import FixedClock
from cloud_api.db import unit_of_work
from cloud_api.models.ledger import JournalEntry
from cloud_api.models.partners import PartnerTransfer
from cloud_api.services.ledger.accounts import lock_holder_account
from cloud_api.services.ledger.grant import grant
from cloud_api.services.ledger.lots import points_left, usable_lots
from cloud_api.services.ledger.verify import verify
from cloud_api.services.points import get_point
from tests.cloud.partner.conftest import World

HEADER = ["partner_ref", "executed_at", "mykey_id", "amount", "destination"]


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows([HEADER, *rows])
    return path


def good_rows(world: World) -> list[list[str]]:
    return [["A-1", "2026/11/20 10:30:31", "TARO0101", "1,000", "留保"],
            ["A-2", "2026/11/21 21:05:55", "MY123456", "600", f"{world.kawasaki_point:08d}"],
            ["A-3", "2026-11-21T22:08:36", "TARO0101", "200", f"{world.event_point:08d}"]]


def transfers(world: World) -> list[tuple[str, str, int, str]]:
    with unit_of_work(world.sessions) as s:
        return [(t.partner_ref, t.mykey_id, t.amount, t.destination_name) for t in s.scalars(
            select(PartnerTransfer).order_by(PartnerTransfer.partner_ref))]


def test_import_applies_every_row_and_reimport_applies_nothing(
        world: World, cli_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "jal.csv", good_rows(world))
    assert main(["import-partner-transfers", "--partner", "JAL", str(path)]) == 0
    assert "3 件取り込みました" in capsys.readouterr().out
    expected = [("A-1", "TARO0101", 5000, "留保ポイント"), ("A-2", "MY123456", 3000, "川崎市ポイント"),
                ("A-3", "TARO0101", 1000, "徳島県阿波踊りにぎわいプロジェクト")]
    assert transfers(world) == expected
    assert main(["import-partner-transfers", "--partner", "JAL", str(path)]) == 0
    assert "0 件取り込みました（取込済み 3 件）" in capsys.readouterr().out
    assert transfers(world) == expected
    with unit_of_work(world.sessions) as s:
        assert verify(s) == []


def test_bad_rows_are_reported_by_number_and_nothing_is_imported(
        world: World, cli_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = good_rows(world) + [["A-4", "2026/13/01 00:00:00", "TARO0101", "200", "留保"],
                               ["A-5", "2026/11/21 10:00:00", "NOBODY00", "200", "留保"],
                               ["A-6", "2026/11/21 10:00:00", "TARO0101", "250", "留保"],
                               ["A-7", "2026/11/21 10:00:00", "TARO0101", "200", "99999999"]]
    before = world.counts()
    assert main(["import-partner-transfers", "--partner", "JAL",
                 str(write(tmp_path / "bad.csv", rows))]) == 1
    err = capsys.readouterr().err
    for number in (5, 6, 7, 8):
        assert f"{number}行目" in err
    assert "2行目" not in err and "移行日時の形式" in err and "200マイル 単位" in err
    assert world.counts() == before


@pytest.mark.parametrize("args, text", [
    (["--partner", "UNKNOWN"], "登録されていません"), (["--partner", "JAL"], "列が足りません")])
def test_unknown_partner_or_missing_columns_changes_nothing(
        world: World, cli_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        args: list[str], text: str) -> None:
    path = tmp_path / "f.csv"
    if "JAL" in args:
        path.write_text("partner_ref,mykey_id\nA-1,TARO0101\n", encoding="utf-8")
    else:
        write(path, good_rows(world))
    before = world.counts()
    assert main(["import-partner-transfers", *args, str(path)]) == 1
    assert text in capsys.readouterr().err
    assert world.counts() == before


def test_two_concurrent_imports_of_one_file_apply_each_row_once(
        world: World, cli_env: None, tmp_path: Path) -> None:
    path = write(tmp_path / "jal.csv", good_rows(world))
    codes: list[int] = []
    threads = [threading.Thread(target=lambda: codes.append(
        main(["import-partner-transfers", "--partner", "JAL", str(path)]))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert 0 in codes and set(codes) <= {0, 1}   # the loser is refused cleanly (PostgreSQL)
    assert [ref for ref, *_ in transfers(world)] == ["A-1", "A-2", "A-3"]
    with unit_of_work(world.sessions) as s:
        assert verify(s) == []


def test_many_rows_for_one_holder_keep_the_balance_chain_equal_to_the_lots(
        world: World, cli_env: None, tmp_path: Path, clock: FixedClock) -> None:
    """GIVEN 太郎 already holding 川崎市ポイント WHEN one batch credits the point to him 40 times
    THEN each entry's balance_after continues the chain, the lots hold the same total and
    verify-ledger finds nothing (the balance is read from the book, not summed over the lots)."""
    with unit_of_work(world.sessions) as s:
        grant(s, clock=clock, point=get_point(s, world.kawasaki_point), holder_id=world.taro,
              amount=700, scope="SYSTEM", terminal_id=None, mykey_id="TARO0101")
    rows = [[f"M-{n}", "2026/11/21 10:00:00", "TARO0101", "200", f"{world.kawasaki_point:08d}"]
            for n in range(40)]
    assert main(["import-partner-transfers", "--partner", "JAL",
                 str(write(tmp_path / "many.csv", rows))]) == 0
    with unit_of_work(world.sessions) as s:
        account = lock_holder_account(s, world.kawasaki_point, world.taro)
        assert account is not None
        chain = s.scalars(select(JournalEntry.balance_after).where(JournalEntry.account_id == account)
                          .order_by(JournalEntry.id)).all()
        assert chain == [700 + 1000 * n for n in range(41)]
        assert points_left(usable_lots(s, account, clock.today())) == 700 + 40 * 1000
        assert verify(s) == []


def test_imports_sharing_holders_in_opposite_orders_both_apply(
        world: World, cli_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN two files that credit 太郎 and 花子 in opposite orders WHEN both imports run at once,
    each pausing after its first row until the other has applied one too THEN both apply every
    row: each locks the holders in ascending order, so the second waits for the first instead
    of holding 花子 while the first waits for her (PostgreSQL would abort one of the two)."""
    from cloud_api.services import partner_import

    # JAL's clearing account exists (the first import of a partner creates it, and two imports
    # creating it at once wait for each other on its key instead)
    first = write(tmp_path / "first.csv", [["F-1", "2026/11/21 09:00:00", "TARO0101", "200", "留保"]])
    assert main(["import-partner-transfers", "--partner", "JAL", str(first)]) == 0
    barrier, paused = threading.Barrier(2, timeout=3), threading.local()
    transfer = partner_import.partner_transfer

    def pausing(*args: object, **kwargs: object) -> object:
        result = transfer(*args, **kwargs)  # type: ignore[arg-type]
        if not getattr(paused, "done", False):
            paused.done = True
            try:
                barrier.wait()
            except threading.BrokenBarrierError:   # the other import waits for our locks
                pass
        return result

    monkeypatch.setattr(partner_import, "partner_transfer", pausing)
    taro = ["T-{}", "2026/11/21 10:00:00", "TARO0101", "200", "留保"]
    hanako = ["H-{}", "2026/11/21 10:00:00", "MY123456", "200", "留保"]
    files = [write(tmp_path / f"{name}.csv", [[cell.format(name) for cell in row] for row in rows])
             for name, rows in (("a", [taro, hanako]), ("b", [hanako, taro]))]
    codes: list[int] = []
    threads = [threading.Thread(target=lambda f=f: codes.append(
        main(["import-partner-transfers", "--partner", "JAL", str(f)]))) for f in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert codes == [0, 0]
    assert sorted(ref for ref, *_ in transfers(world)) == ["F-1", "H-a", "H-b", "T-a", "T-b"]
    with unit_of_work(world.sessions) as s:
        assert verify(s) == []


def test_an_import_aborted_by_the_database_says_so_in_japanese_and_changes_nothing(
        world: World, cli_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """GIVEN the database aborting the import's transaction on its second row (as it does to a
    deadlock's victim) WHEN it runs THEN exit 1 with a Japanese message, and nothing stays."""
    from sqlalchemy.exc import OperationalError

    from cloud_api.services import partner_import

    transfer, calls = partner_import.partner_transfer, []

    def aborting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 2:
            raise OperationalError("INSERT …", {}, RuntimeError("deadlock detected"))
        return transfer(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(partner_import, "partner_transfer", aborting)
    before = world.counts()
    assert main(["import-partner-transfers", "--partner", "JAL",
                 str(write(tmp_path / "jal.csv", good_rows(world)))]) == 1
    assert "中断されたため取り込みを中止しました（何も取り込んでいません）" in capsys.readouterr().err
    assert world.counts() == before
