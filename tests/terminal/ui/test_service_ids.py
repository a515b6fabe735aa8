"""画面23/24 サービスIDの登録 and 画面25/26 照会 on a (ア) library terminal.

GIVEN the holder's card on the reader WHEN the clerk types the library card number, chooses
address-change notices (signature password) and presses 登録 THEN 画面24 shows the business,
MyKey ID and number to compare; WHEN 照会 THEN the number is shown large and, in the library's
バーコード表示 mode, as a barcode of its symbology."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from drivers.card.virtual.reader import VirtualReader
from tests.terminal.ui.harness import LIBRARY, register

CLICK = Qt.MouseButton.LeftButton


def decode_barcode(pixmap: Any, tmp_path: Path) -> str:
    """What a counter's barcode reader would read from the screen (zbar)."""
    from PIL import Image
    from pyzbar.pyzbar import decode

    path = tmp_path / "screen-barcode.png"
    pixmap.save(str(path), "PNG")
    found = decode(Image.open(path))
    return found[0].data.decode("ascii") if found else ""


def test_register_then_look_up_the_service_id(make_window: Any, cloud: Any, qtbot: Any,
                                              tmp_path: Path) -> None:
    reader = VirtualReader(cloud.world.card("MY123456").path)
    window = make_window(cloud.url, reader=reader)
    register(window.ctx.services, LIBRARY)
    window.ctx.terminal = window.ctx.services.registration.terminal_info()
    screen = window.navigate("s23")
    qtbot.mouseClick(screen.submit, CLICK)
    assert screen.form.error_text("customer_id") != ""
    assert screen.notice_form.error_text("notice") == "現住所の変更通知の受け取り有無を選択してください。"
    assert not window.ctx.jobs.busy
    qtbot.keyClicks(screen.customer_id, "180000000011")
    qtbot.mouseClick(screen.yes, CLICK)
    assert screen.sign_password.isEnabled()
    qtbot.keyClicks(screen.sign_password, "ABC123")
    qtbot.mouseClick(screen.submit, CLICK)
    qtbot.waitUntil(lambda: screen.pages.currentIndex() == 1, timeout=15000)
    assert screen.title_label.text() == "サービスIDの登録完了"
    assert screen.result_block.text("business") == "川崎市立図書館"
    assert screen.result_block.text("mykey_id") == "MY123456"
    assert screen.result_block.text("customer_id") == "180000000011"

    lookup = window.navigate("s25")
    assert "バーコード表示方式" in lookup.mode_note.text()
    qtbot.mouseClick(lookup.submit, CLICK)
    qtbot.waitUntil(lambda: lookup.pages.currentIndex() == 1, timeout=15000)
    assert lookup.title_label.text() == "サービスIDの照会結果表示"
    assert lookup.number.text() == "180000000011"
    assert lookup.mode_title.text() == "バーコード表示方式"
    assert lookup.barcode.isVisible() and lookup.barcode.renderer().isValid()
    assert "180000000011" in decode_barcode(lookup.barcode.grab(), tmp_path)
    assert not lookup.print_button.isVisible()
    qtbot.mouseClick(lookup.findChild(type(lookup.submit), "againButton"), CLICK)
    assert lookup.pages.currentIndex() == 0


def test_lookup_of_a_card_without_service_id_says_so(make_window: Any, cloud: Any,
                                                     qtbot: Any) -> None:
    reader = VirtualReader(cloud.world.card("KEY34567").path)
    window = make_window(cloud.url, reader=reader)
    register(window.ctx.services, LIBRARY)
    lookup = window.navigate("s25")
    qtbot.mouseClick(lookup.submit, CLICK)
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=15000)
    assert lookup.pages.currentIndex() == 0
    assert "サービスID" in lookup.status.text and lookup.status.retry_button.isVisible()


def test_label_mode_prints_a_barcode_label_that_scans_back(make_window: Any, cloud: Any,
                                                           qtbot: Any, tmp_path: Path) -> None:
    """GIVEN the library set to ラベル印刷方式 WHEN 照会 then 印刷 THEN the printed label's
    barcode decodes to the card number."""
    from PIL import Image
    from pyzbar.pyzbar import decode

    from cloud_api.db import unit_of_work
    from cloud_api.models.accounts import IdBusiness
    from drivers.printer.emulator.server import PrinterEmulator

    with unit_of_work(cloud.app.extensions["mykey"].sessions) as session:
        session.get(IdBusiness, "000001").lookup_mode = "label"
    emulator = PrinterEmulator(port=0, out_dir=tmp_path / "papers").start()
    try:
        reader = VirtualReader(cloud.world.card("MY123456").path)
        window = make_window(cloud.url, reader=reader, printer_spec=emulator.target)
        services = window.ctx.services
        register(services, LIBRARY)
        services.service_ids.register(services.cards.read(), "180000000011")
        lookup = window.navigate("s25")
        qtbot.mouseClick(lookup.submit, CLICK)
        qtbot.waitUntil(lambda: lookup.pages.currentIndex() == 1, timeout=15000)
        assert lookup.mode_title.text() == "ラベル印刷方式"
        assert lookup.print_button.isVisible() and not lookup.barcode.isVisible()
        qtbot.mouseClick(lookup.print_button, CLICK)
        qtbot.waitUntil(lambda: lookup.status.text == "印字しました。", timeout=15000)
        paper = emulator.wait_for_papers(1)[0]
        found = decode(Image.open(paper.png_path))
        assert found and "180000000011" in found[0].data.decode("ascii")
    finally:
        emulator.stop()
