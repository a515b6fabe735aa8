"""The keyboard-wedge filter: GIVEN the redemption screen WHEN a scanner types a fast burst ending
in Enter THEN the screen gets the scan; WHEN a person types slowly THEN every key reaches the
field and Enter acts as a normal Enter (nothing swallowed)."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication

from terminal_app.ui.application import install_wedge, qt_app
from tests.terminal.ui.harness import closed_port_url
from tests.terminal.ui.test_voucher import scan


def redeem_screen(make_window: Any, qtbot: Any) -> tuple[Any, Any, list[str]]:
    window = make_window(closed_port_url())
    screen = window.navigate("s35")
    scans: list[str] = []
    screen.scanned = scans.append          # observe what the filter delivers
    install_wedge(qt_app(), window, window.ctx.services.config)
    window.activateWindow()
    screen.number.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.number, timeout=5000)
    return window, screen, scans


def test_fast_burst_is_a_scan(make_window: Any, qtbot: Any) -> None:
    _window, screen, scans = redeem_screen(make_window, qtbot)  # keeps the window alive
    scan(screen.number, "987654321012", gap_ms=8)
    assert scans == ["987654321012"]


def test_slow_typing_is_left_alone(make_window: Any, qtbot: Any) -> None:
    _window, screen, scans = redeem_screen(make_window, qtbot)  # keeps the window alive
    scan(screen.number, "12345", gap_ms=250)      # a person: 250 ms between keys
    assert scans == []
    assert screen.number.text() == "12345"
    assert screen.form.error_text("voucher_no") == "ポイント券の券番号は12桁の数字で入力してください。"
