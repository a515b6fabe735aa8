"""画面29-31 ポイント利用 against the real cloud, the virtual card and the printer emulator.

GIVEN a (イ) terminal and a holder with 1,730 pt WHEN the clerk reads the card, types the amount,
confirms and presses 利用 THEN bad amounts get inline messages, the confirmation shows balance /
points / balance after, the receipt is previewed and printed; a missing card and a lost answer
after 利用 get a plain message and a way forward (再試行 / 再確認), never a double deduction."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from drivers.card.virtual.reader import VirtualReader
from drivers.printer.emulator.server import PrinterEmulator
from terminal_app.api.transport import RequestsTransport
from tests.terminal.ui.harness import MUSEUM, FlakyTransport, register

CLICK = Qt.MouseButton.LeftButton


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[PrinterEmulator]:
    printer = PrinterEmulator(port=0, out_dir=tmp_path / "papers").start()
    try:
        yield printer
    finally:
        printer.stop()


def open_spend(make_window: Any, cloud: Any, qtbot: Any, **kwargs: Any) -> Any:
    window = make_window(cloud.url, **kwargs)
    register(window.ctx.services, MUSEUM)
    window.navigate("start")
    qtbot.waitUntil(lambda: window.current.screen_id == "menu", timeout=15000)
    return window, window.navigate("s29")


def read_card(window: Any, screen: Any, qtbot: Any) -> None:
    qtbot.mouseClick(screen.read_button, CLICK)
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=15000)


def test_spend_with_inline_checks_confirmation_and_printed_receipt(
        make_window: Any, cloud: Any, qtbot: Any, emulator: PrinterEmulator) -> None:
    reader = VirtualReader()
    window, screen = open_spend(make_window, cloud, qtbot, reader=reader,
                                printer_spec=emulator.target)
    read_card(window, screen, qtbot)                       # no card on the reader yet
    assert screen.status.retry_button.isVisible() and "カード" in screen.status.text
    reader.insert(cloud.world.card("MY123456").path)
    qtbot.mouseClick(screen.status.retry_button, CLICK)
    qtbot.waitUntil(lambda: screen.card is not None, timeout=15000)
    assert screen.user.text("mykey_id") == "MY123456"
    assert screen.table.row_texts()[0] == ["自治体ポイント", "川崎市ポイント", "1,730pt"]
    for typed, message in (("abc", "ポイント数は1以上の整数で入力してください。"),
                           ("2000", "ポイント数が残高（1,730ポイント）を超えています。")):
        screen.amount.clear()
        qtbot.keyClicks(screen.amount, typed)
        qtbot.mouseClick(screen.confirm_button, CLICK)
        assert screen.amount_form.error_text("amount") == message
        assert screen.pages.currentIndex() == 0
    screen.amount.clear()
    qtbot.keyClicks(screen.amount, "500")
    qtbot.mouseClick(screen.confirm_button, CLICK)
    assert screen.title_label.text() == "ポイント利用 確認"
    assert (screen.confirm_point.text("balance"), screen.confirm_use.text("amount"),
            screen.confirm_use.text("after")) == ("1,730pt", "500pt", "1,230pt")
    qtbot.mouseClick(screen.action_button, CLICK)
    qtbot.waitUntil(lambda: screen.pages.currentIndex() == 2, timeout=15000)
    assert screen.title_label.text() == "ポイント利用 完了"
    assert screen.result.amount == 500 and screen.result.balance_after == 1230
    qtbot.waitUntil(lambda: screen.preview.has_image, timeout=15000)
    qtbot.mouseClick(screen.print_button, CLICK)
    qtbot.waitUntil(lambda: screen.status.text == "印字しました。", timeout=15000)
    paper = emulator.wait_for_papers(1)[0]
    assert "500ポイント" in paper.text and "1,230ポイント" in paper.text
    assert screen.result.txn_no in paper.text


def spend_with_every_answer_lost(make_window: Any, cloud: Any, qtbot: Any) -> tuple[Any, Any, Any]:
    """500 pt of MY123456's 1,730 used: applied at the cloud, every answer lost; the screen
    waits on its confirmation page. Returns (window, screen, the flaky transport)."""
    reader = VirtualReader(cloud.world.card("MY123456").path)
    flaky = FlakyTransport(RequestsTransport(cloud.url))
    window, screen = open_spend(make_window, cloud, qtbot, reader=reader, transport=flaky)
    read_card(window, screen, qtbot)
    qtbot.keyClicks(screen.amount, "500")
    qtbot.mouseClick(screen.confirm_button, CLICK)
    flaky.faults["/api/v1/spend"] = ["after"] * 10        # every answer is lost
    qtbot.mouseClick(screen.action_button, CLICK)
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=60000)
    return window, screen, flaky


def test_lost_answer_after_use_is_rechecked_with_the_same_key(
        make_window: Any, cloud: Any, qtbot: Any) -> None:
    window, screen, flaky = spend_with_every_answer_lost(make_window, cloud, qtbot)
    assert screen.pages.currentIndex() == 1
    assert "再確認" in screen.status.text
    assert screen.status.retry_button.text() == "再確認"
    flaky.faults.clear()                                    # the network is back
    qtbot.mouseClick(screen.status.retry_button, CLICK)
    assert screen.status.text.startswith("通信が途切れました。同じ要求")
    qtbot.waitUntil(lambda: screen.pages.currentIndex() == 2, timeout=15000)
    assert screen.status.text == "再送により処理結果を確認しました。"
    assert screen.result.balance_after == 1230             # deducted once, not twice
    again = window.ctx.services.cards.read()
    assert again.balances[0].balance == 1230


def test_card_removed_during_the_read_then_read_again(make_window: Any, cloud: Any,
                                                      qtbot: Any) -> None:
    card_file = cloud.world.card("MY123456").path
    reader = VirtualReader(card_file, delay_ms=15)
    window, screen = open_spend(make_window, cloud, qtbot, reader=reader)
    qtbot.mouseClick(screen.read_button, CLICK)
    assert screen.status.is_working and not screen.read_button.isEnabled()
    qtbot.waitUntil(lambda: reader.card is not None and reader.card.apdu_count > 0,
                    timeout=15000)
    reader.remove()                                         # pulled out mid-read
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=15000)
    assert screen.card is None and "カード" in screen.status.text
    assert screen.status.retry_button.isVisible() and screen.read_button.isEnabled()
    reader.insert(card_file)
    qtbot.mouseClick(screen.status.retry_button, CLICK)
    qtbot.waitUntil(lambda: screen.card is not None, timeout=15000)
    assert screen.table.rowCount() >= 1


def test_printer_out_of_paper_then_refilled(make_window: Any, cloud: Any, qtbot: Any,
                                            emulator: PrinterEmulator) -> None:
    reader = VirtualReader(cloud.world.card("MY123456").path)
    window, screen = open_spend(make_window, cloud, qtbot, reader=reader,
                                printer_spec=emulator.target)
    read_card(window, screen, qtbot)
    qtbot.keyClicks(screen.amount, "100")
    qtbot.mouseClick(screen.confirm_button, CLICK)
    qtbot.mouseClick(screen.action_button, CLICK)
    qtbot.waitUntil(lambda: screen.pages.currentIndex() == 2, timeout=15000)
    emulator.set_paper_out(True)
    qtbot.mouseClick(screen.print_button, CLICK)
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=15000)
    assert "用紙がありません" in screen.status.text
    assert screen.status.retry_button.isVisible()
    emulator.set_paper_out(False)                           # the clerk refills the roll
    qtbot.mouseClick(screen.status.retry_button, CLICK)
    qtbot.waitUntil(lambda: screen.status.text == "印字しました。", timeout=15000)
    assert "100ポイント" in emulator.wait_for_papers(1)[0].text
