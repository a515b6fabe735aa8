"""画面37-39 商店街ポイント合算 on a shop terminal of ブレーメン商店街 ((ア) + point use).

GIVEN a holder with 1,730 pt WHEN the clerk reads the My Number card (or the shopping card through
the keyboard-wedge reader) and merges 200 pt THEN the confirmation and the done screen show the
street, the balance after, the receipt preview, and the encrypted linkage file is in the merge
folder for the shopping street's software."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from drivers.card.virtual.reader import VirtualReader
from terminal_app.ui.application import install_wedge, qt_app
from tests.terminal.ui.harness import FRUIT, register
from tests.terminal.ui.test_voucher import scan

CLICK = Qt.MouseButton.LeftButton


def open_merge(make_window: Any, cloud: Any, qtbot: Any, reader: Any) -> tuple[Any, Any]:
    window = make_window(cloud.url, reader=reader)
    services = window.ctx.services
    register(services, FRUIT)
    window.ctx.terminal = services.registration.terminal_info()
    services.service_ids.register(services.cards.read(), "123456789")   # the street's card no.
    return window, window.navigate("s37")


def test_merge_by_my_number_card_writes_the_linkage_file(make_window: Any, cloud: Any,
                                                         qtbot: Any) -> None:
    window, screen = open_merge(make_window, cloud, qtbot,
                                VirtualReader(cloud.world.card("MY123456").path))
    assert screen.user.text("street") == "ブレーメン商店街"
    qtbot.mouseClick(screen.read_button, CLICK)
    qtbot.waitUntil(lambda: screen.card is not None, timeout=15000)
    qtbot.keyClicks(screen.amount, "200")
    qtbot.mouseClick(screen.confirm_button, CLICK)
    assert screen.title_label.text() == "商店街ポイント合算 確認"
    assert screen.confirm_use.text("after") == "1,530pt"
    qtbot.mouseClick(screen.action_button, CLICK)
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=15000)
    assert screen.status.text == "" and screen.pages.currentIndex() == 2
    assert screen.title_label.text() == "商店街ポイント合算 完了"
    result = screen.result
    assert result.receipt.balance_after == 1530
    merge_folder = window.ctx.services.config.effective_merge_folder
    assert (merge_folder / result.linkage.filename).read_bytes() == result.linkage.content
    qtbot.waitUntil(lambda: screen.preview.has_image, timeout=15000)


def test_shopping_card_scanned_by_the_wedge_reader_finds_the_holder(make_window: Any,
                                                                    cloud: Any,
                                                                    qtbot: Any) -> None:
    reader = VirtualReader(cloud.world.card("MY123456").path)
    window, screen = open_merge(make_window, cloud, qtbot, reader)
    services = window.ctx.services
    reader.remove()
    install_wedge(qt_app(), window, services.config)
    window.activateWindow()
    screen.shopping.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.shopping, timeout=5000)
    scan(screen.shopping, "123456789")
    qtbot.waitUntil(lambda: screen.card is not None, timeout=15000)
    assert screen.user.text("mykey_id") == "MY123456"
    assert screen.user.text("customer") == "123456789"
    assert screen.table.row_texts()[0][2] == "1,730pt"
