"""画面9 → 画面10 → 画面22 against the real cloud: GIVEN a new terminal WHEN the clerk registers it
THEN bad fields get inline messages (nothing sent), 検索 fills the address, 登録 leads to the
menu with 端末ID in the header, and the next start goes straight to the menu."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from tests.terminal.ui.harness import LIBRARY, MUSEUM, register, type_text

CLICK = Qt.MouseButton.LeftButton


def _to_contact_form(window: Any, qtbot: Any, terminal: tuple[str, str]) -> Any:
    window.navigate("start")
    screen = window.current
    qtbot.keyClicks(screen.terminal_id, terminal[0])
    qtbot.keyClicks(screen.password, terminal[1])
    qtbot.mouseClick(screen.submit, CLICK)
    qtbot.waitUntil(lambda: window.current.screen_id == "s10", timeout=15000)
    return window.current


def test_wrong_password_is_refused_with_a_japanese_message(make_window: Any, cloud: Any,
                                                           qtbot: Any) -> None:
    window = make_window(cloud.url)
    window.navigate("start")
    screen = window.current
    qtbot.keyClicks(screen.terminal_id, LIBRARY[0])
    qtbot.keyClicks(screen.password, "wrongpass")
    qtbot.mouseClick(screen.submit, CLICK)
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=15000)
    assert window.current.screen_id == "s09"
    assert "パスワード" in screen.status.text


def test_contact_form_validates_inline_then_registers(make_window: Any, cloud: Any,
                                                      qtbot: Any) -> None:
    window = make_window(cloud.url)
    form = _to_contact_form(window, qtbot, LIBRARY)
    assert form.category_label.text() == "(ア) サービスIDの確認を行う端末"
    assert form.business.isEnabled() and form.business.count() >= 2
    qtbot.mouseClick(form.submit, CLICK)           # everything empty
    assert form.form.error_text("place") == "設置場所を入力してください。"
    assert form.form.error_text("id_business_id") == "ID付与事業者名を選択してください。"
    assert not window.ctx.jobs.busy                 # nothing sent while a field is wrong
    form.business.setCurrentIndex(1)
    for key, text in (("place", "高津図書館"), ("name", "高津図書館1台目"), ("person", "川崎 一郎"),
                      ("phone", "044-811-0001"), ("email", "takatsu@example.jp"),
                      ("email_confirm", "takatu@example.jp")):
        type_text(qtbot, form.edits[key], text)
    qtbot.keyClicks(form.postal.first, "213x")    # digits only; 3 digits jump to the next box
    assert form.postal.first.text() == "213" and form.postal.second.hasFocus()
    qtbot.keyClicks(form.postal.second, "0001")
    qtbot.mouseClick(form.postal.search, CLICK)
    qtbot.waitUntil(lambda: form.edits["address"].text() != "", timeout=15000)
    assert form.edits["address"].text().startswith("神奈川県川崎市高津区溝口")
    qtbot.keyClicks(form.edits["address"], "1-1")
    qtbot.mouseClick(form.submit, CLICK)
    assert form.form.error_text("email_confirm") == \
        "メールアドレスと確認用のメールアドレスが一致しません。"
    form.edits["email_confirm"].setText("takatsu@example.jp")
    qtbot.mouseClick(form.submit, CLICK)
    qtbot.waitUntil(lambda: window.current.screen_id == "menu", timeout=15000)
    menu = window.current
    assert menu.terminal_label.text() == f"端末ID:{LIBRARY[0]}"
    assert window.ctx.services.registration.is_registered()
    assert menu.visible_entries() == ["サービスIDの登録", "サービスIDの照会", "連絡先の変更",
                                      "自治体ポイント管理クラウドへ", "マイキーIDの作成・登録（窓口支援）"]


def test_registered_terminal_starts_on_its_menu_and_edits_contact(make_window: Any,
                                                                  cloud: Any,
                                                                  qtbot: Any) -> None:
    window = make_window(cloud.url)
    register(window.ctx.services, MUSEUM)
    window.navigate("start")
    qtbot.waitUntil(lambda: window.current.screen_id == "menu", timeout=15000)
    menu = window.current
    assert "サービスIDの登録" not in menu.visible_entries()   # category (イ)
    qtbot.mouseClick(menu.buttons["points"], CLICK)
    assert window.current.visible_entries() == ["ポイント利用", "ポイント券消込",
                                                "商店街ポイント合算", "自治体ポイント集計"]
    window.navigate("s10")
    form = window.current
    assert form.title_label.text() == "連絡先の変更"
    assert form.edits["place"].text() == "川崎市藤子・F・不二雄ミュージアム"
    form.edits["person"].setText("溝口 二郎")
    qtbot.mouseClick(form.submit, CLICK)
    qtbot.waitUntil(lambda: window.current.screen_id == "menu", timeout=15000)
    assert window.current.status.text == "連絡先を更新しました。"
    assert window.ctx.terminal.contact.person == "溝口 二郎"


def test_a_key_the_cloud_does_not_know_starts_on_screen_9_saying_so(make_window: Any,
                                                                    cloud: Any,
                                                                    qtbot: Any) -> None:
    """GIVEN a stored credential whose key never reached the cloud (a registration whose every
    try went unanswered, or a terminal the municipality reset) WHEN the software starts THEN it
    removes the credential and opens 画面9 with the reason, instead of an error at every start."""
    from terminal_app.credentials import TerminalCredential

    window = make_window(cloud.url)
    window.ctx.services.registration.session.credentials.save(
        TerminalCredential.generate(MUSEUM[0]))
    window.navigate("start")
    qtbot.waitUntil(lambda: window.current.screen_id == "s09", timeout=15000)
    assert "まだ登録されていません" in window.current.status.text
    assert not window.ctx.services.registration.is_registered()
