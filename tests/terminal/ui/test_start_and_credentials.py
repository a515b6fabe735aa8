"""画面9 and the start: GIVEN an unregistered terminal WHEN the clerk types THEN inline messages,
and an unreachable cloud gets a plain message with 再試行 (the window never freezes)."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from tests.terminal.ui.harness import closed_port_url


def test_unregistered_terminal_starts_on_screen_9(make_window: Any) -> None:
    window = make_window(closed_port_url())
    window.navigate("start")
    assert window.current.screen_id == "s09"
    assert window.windowTitle().startswith("マイキープラットフォーム等活用ソフト ")


def test_bad_terminal_id_and_empty_password_show_inline_messages(make_window: Any,
                                                                 qtbot: Any) -> None:
    window = make_window(closed_port_url())
    screen = window.navigate("start")
    screen = window.current
    qtbot.keyClicks(screen.terminal_id, "12ab")
    qtbot.mouseClick(screen.submit, Qt.MouseButton.LeftButton)
    assert screen.form.error_text("terminal_id") == "端末IDは8桁の数字で入力してください。"
    assert screen.form.error_text("password") == "端末パスワードを入力してください。"
    assert not window.ctx.jobs.busy   # nothing was sent


def test_unreachable_cloud_shows_message_and_retry(make_window: Any, qtbot: Any) -> None:
    window = make_window(closed_port_url())
    window.navigate("start")
    screen = window.current
    qtbot.keyClicks(screen.terminal_id, "00052459")
    qtbot.keyClicks(screen.password, "e912kfja")
    qtbot.mouseClick(screen.submit, Qt.MouseButton.LeftButton)
    assert screen.status.is_working and not screen.submit.isEnabled()
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=15000)
    assert "接続できません" in screen.status.text
    assert screen.status.retry_button.isVisible()
    assert screen.submit.isEnabled()
    assert window.current.screen_id == "s09"
