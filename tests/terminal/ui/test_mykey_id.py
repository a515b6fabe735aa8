"""画面14-17 マイキーIDの作成・登録 (counter kiosk assist) with a card that has no MyKey ID yet.

GIVEN a new holder's card WHEN a wrong PIN is typed THEN the tries left are shown and the clerk
can try again; three wrong PINs block the card with the advice to visit the municipal office;
WHEN the right PIN is typed THEN 自動生成 proposes candidates and 登録 creates the MyKey ID."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from drivers.card.virtual.ca import issue_card, load_ca
from drivers.card.virtual.card_file import save_card
from drivers.card.virtual.cert_builder import Holder
from drivers.card.virtual.reader import VirtualReader
from tests.terminal.ui.harness import MUSEUM, register

CLICK = Qt.MouseButton.LeftButton


def new_holder_card(cloud: Any, tmp_path: Path) -> Path:
    doc = issue_card(load_ca(cloud.world.ca_dir),
                     Holder("溝口 三郎", "神奈川県川崎市高津区溝口3-3", date(1990, 6, 1), "1"),
                     pin="4321", sign_password=None)
    path = tmp_path / "new-holder.json"
    save_card(doc, path)
    return path


def open_screen(make_window: Any, cloud: Any, qtbot: Any, card: Path) -> tuple[Any, Any]:
    window = make_window(cloud.url, reader=VirtualReader(card))
    register(window.ctx.services, MUSEUM)
    window.ctx.terminal = window.ctx.services.registration.terminal_info()
    screen = window.navigate("s14")
    qtbot.mouseClick(screen.findChild(type(screen.menu_link), "pinPageButton"), CLICK)
    assert screen.title_label.text() == "利用者証明用電子証明書パスワード入力"
    return window, screen


def enter_pin(window: Any, screen: Any, qtbot: Any, pin: str) -> None:
    qtbot.keyClicks(screen.pin, pin)
    qtbot.mouseClick(screen.pin_ok, CLICK)
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=15000)


def test_wrong_pin_shows_tries_left_then_blocked(make_window: Any, cloud: Any, qtbot: Any,
                                                 tmp_path: Path) -> None:
    window, screen = open_screen(make_window, cloud, qtbot, new_holder_card(cloud, tmp_path))
    enter_pin(window, screen, qtbot, "1111")
    assert "あと2回" in screen.status.text and screen.pages.currentIndex() == 1
    assert screen.pin.text() == ""                       # the PIN is never kept on screen
    assert not screen.status.retry_button.isVisible()    # a retry would spend another try
    enter_pin(window, screen, qtbot, "2222")
    assert "あと1回" in screen.status.text
    enter_pin(window, screen, qtbot, "3333")
    assert "ロックされています" in screen.status.text and "市区町村窓口" in screen.status.text
    enter_pin(window, screen, qtbot, "4321")             # even the right PIN: still blocked
    assert "ロックされています" in screen.status.text


def test_right_pin_then_auto_generate_and_register(make_window: Any, cloud: Any, qtbot: Any,
                                                   tmp_path: Path) -> None:
    window, screen = open_screen(make_window, cloud, qtbot, new_holder_card(cloud, tmp_path))
    enter_pin(window, screen, qtbot, "4321")
    assert screen.title_label.text().startswith("マイキーIDの作成・登録")
    qtbot.mouseClick(screen.submit, CLICK)               # no candidate yet
    assert "マイキーID候補" in screen.candidate_form.error_text("candidate")
    qtbot.mouseClick(screen.auto_button, CLICK)
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=15000)
    candidate = screen.candidate.text()
    assert len(candidate) == 8 and candidate.isalnum() and candidate.upper() == candidate
    assert "あと2回" in screen.candidate_state.text()
    qtbot.keyClicks(screen.password, "abc12345")
    qtbot.keyClicks(screen.password2, "abc12345")
    screen.notices["notice_granted"].setChecked(True)
    assert screen.base.currentText().startswith("141305")
    qtbot.mouseClick(screen.submit, CLICK)
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=15000)
    assert screen.status.text == ""
    assert screen.title_label.text() == "マイキーID等 登録完了"
    assert screen.created.text() == candidate
    assert window.ctx.services.cards.read().mykey_id == candidate
