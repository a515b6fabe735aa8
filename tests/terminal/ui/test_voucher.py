"""画面32-34 ポイント券発行 and 画面35/36 ポイント券消込 on a (ウ) terminal (issues and redeems).

GIVEN a holder with 1,730 pt WHEN the clerk issues a voucher (validity 1-30 days checked inline)
THEN it is printed with its 12-digit number; 再発行 prints it again; WHEN the voucher's QR is
scanned by a keyboard-wedge reader THEN its information is shown, 消込処理 redeems it and a
second redemption is refused."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from drivers.card.virtual.reader import VirtualReader
from drivers.printer.emulator.server import PrinterEmulator
from terminal_app.ui.application import install_wedge, qt_app
from tests.terminal.ui.harness import CHAMBER, register

CLICK = Qt.MouseButton.LeftButton


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[PrinterEmulator]:
    printer = PrinterEmulator(port=0, out_dir=tmp_path / "papers").start()
    try:
        yield printer
    finally:
        printer.stop()


def scan(widget: Any, text: str, start_ms: int = 1_000_000, gap_ms: int = 8) -> None:
    """A keyboard-wedge scanner: fast key presses (event timestamps) ending in Enter."""
    t = start_ms
    for ch in text:
        press = QKeyEvent(QEvent.Type.KeyPress, Qt.Key(ord(ch)), Qt.KeyboardModifier.NoModifier,
                          ch)
        press.setTimestamp(t)
        QApplication.sendEvent(widget, press)
        t += gap_ms
    enter = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier,
                      "\r")
    enter.setTimestamp(t)
    QApplication.sendEvent(widget, enter)


def issue(window: Any, qtbot: Any, validity: str, amount: str) -> Any:
    screen = window.navigate("s32")
    qtbot.mouseClick(screen.read_button, CLICK)
    qtbot.waitUntil(lambda: screen.card is not None, timeout=15000)
    qtbot.keyClicks(screen.validity, validity)
    qtbot.keyClicks(screen.amount, amount)
    qtbot.mouseClick(screen.confirm_button, CLICK)
    return screen


def test_issue_reissue_scan_and_redeem_a_voucher(make_window: Any, cloud: Any, qtbot: Any,
                                                 emulator: PrinterEmulator) -> None:
    reader = VirtualReader(cloud.world.card("MY123456").path)
    window = make_window(cloud.url, reader=reader, printer_spec=emulator.target)
    register(window.ctx.services, CHAMBER)
    window.ctx.terminal = window.ctx.services.registration.terminal_info()
    screen = issue(window, qtbot, "31", "300")
    assert screen.validity_form.error_text("validity") == \
        "ポイント券の有効期限は1日から30日の範囲で入力してください。"
    assert screen.pages.currentIndex() == 0
    screen.validity.setText("10")
    qtbot.mouseClick(screen.confirm_button, CLICK)
    assert screen.title_label.text() == "ポイント券発行 確認"
    assert screen.confirm_use.text("validity") == "10日"
    qtbot.mouseClick(screen.action_button, CLICK)
    qtbot.waitUntil(lambda: screen.pages.currentIndex() == 2, timeout=15000)
    voucher_no = screen.result.voucher_no
    assert len(voucher_no) == 12 and voucher_no.isdigit()
    assert screen.result.balance_after == 1430
    qtbot.mouseClick(screen.reissue_button, CLICK)            # 再発行 prints it again
    qtbot.waitUntil(lambda: screen.status.text == "印字しました。", timeout=15000)
    reprinted = emulator.wait_for_papers(1)[0].text
    assert voucher_no in reprinted and "【再発行】" in reprinted

    install_wedge(qt_app(), window, window.ctx.services.config)
    redeem = window.navigate("s35")
    assert not redeem.info.isVisible()
    window.activateWindow()
    redeem.number.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is redeem.number, timeout=5000)
    scan(redeem.number, voucher_no)
    qtbot.waitUntil(lambda: redeem.voucher is not None, timeout=15000)
    assert redeem.info.text("voucher_no") == voucher_no
    assert redeem.info.text("amount") == "300pt"
    assert redeem.info.text("state") == "未使用"
    qtbot.mouseClick(redeem.redeem_button, CLICK)
    qtbot.waitUntil(lambda: redeem.pages.currentIndex() == 1, timeout=15000)
    assert redeem.title_label.text() == "ポイント券消込 完了"
    assert redeem.result.amount == 300
    qtbot.waitUntil(lambda: redeem.preview.has_image, timeout=15000)

    redeem.enter()                                            # the same voucher again
    qtbot.keyClicks(redeem.number, voucher_no)
    qtbot.mouseClick(redeem.read_button, CLICK)
    qtbot.waitUntil(lambda: redeem.voucher is not None, timeout=15000)
    assert redeem.info.text("state") == "消込済み"
    assert not redeem.redeem_button.isEnabled()
    assert "消込できません" in redeem.status.text


def test_typed_voucher_number_is_checked_inline(make_window: Any, cloud: Any,
                                                qtbot: Any) -> None:
    window = make_window(cloud.url)
    register(window.ctx.services, CHAMBER)
    redeem = window.navigate("s35")
    qtbot.keyClicks(redeem.number, "12345")
    qtbot.mouseClick(redeem.read_button, CLICK)
    assert redeem.form.error_text("voucher_no") == "ポイント券の券番号は12桁の数字で入力してください。"
    assert not window.ctx.jobs.busy
