"""画面68-73 with pytest-qt: the real cloud on loopback and the in-process virtual card.

GIVEN a (エ) terminal WHEN it starts THEN it opens the business-support login (画面68), the first
login asks for the optional fields (画面69), individual entry (画面72) reads the card face with
the 照合番号 and the MyKey ID, asks 上書き/中止 on a duplicate; the roster view (画面73) searches,
sorts, pages and grants to the checked people once per 付与日 (a future day is refused under the
field); a bad Excel file (画面71) imports nothing and names its rows."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from drivers.card.virtual.reader import VirtualReader
from terminal_app.grant_support.models import today_jst
from tests.grant.helpers import BUSINESS_ID, GRANT_TERMINAL, HOLDER, collation
from tests.terminal.ui.harness import type_text

CLICK = Qt.MouseButton.LeftButton
WAIT = 15000


def login(window: Any, qtbot: Any, first: bool = True) -> Any:
    screen = window.current
    assert screen.title_label.text() == "業務支援システム ログイン"
    assert screen.terminal_id.text() == GRANT_TERMINAL[0]
    qtbot.keyClicks(screen.password, "wrong")
    qtbot.mouseClick(screen.submit, CLICK)
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=WAIT)
    assert "端末IDまたは端末パスワードが正しくありません" in screen.status.text
    screen.password.clear()
    qtbot.keyClicks(screen.password, GRANT_TERMINAL[1])
    qtbot.mouseClick(screen.submit, CLICK)
    target = "g69" if first else "g70"
    qtbot.waitUntil(lambda: window.current.screen_id == target, timeout=WAIT)
    return window.current


def set_fields(window: Any, qtbot: Any, fields: tuple[str, ...]) -> Any:
    settings = window.current
    for key in fields:
        settings.boxes[key].setChecked(True)
    qtbot.mouseClick(settings.submit, CLICK)
    assert window.current.screen_id == "g70"
    return window.current


def open_menu(window: Any, qtbot: Any, fields: tuple[str, ...] = ("name", "birth_date",
                                                                   "address", "sex", "phone")) -> Any:
    login(window, qtbot)
    return set_fields(window, qtbot, fields)


def test_entry_with_card_duplicate_overwrite(grant_window: Any, qtbot: Any, world: Any) -> None:
    reader = VirtualReader(world.card(HOLDER))
    window = grant_window(reader)
    menu = open_menu(window, qtbot)
    qtbot.mouseClick(menu.buttons["g72"], CLICK)
    entry = window.current
    assert entry.title_label.text() == "付与事業対象者個別入力"
    assert entry.business.currentText() == "健康づくり事業"
    assert not entry.person.edits["email"].isVisible()        # not chosen on 画面69
    qtbot.keyClicks(entry.collation, "12345")
    qtbot.mouseClick(entry.read_face, CLICK)
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=WAIT)
    assert "14桁" in entry.top.error_text("collation")
    entry.collation.clear()
    qtbot.keyClicks(entry.collation, collation(world.card(HOLDER)))
    qtbot.mouseClick(entry.read_face, CLICK)
    qtbot.waitUntil(lambda: entry.person.edits["name"].text() == "川崎 花子", timeout=WAIT)
    assert entry.person.edits["birth_date"].text() == "1985年04月02日"
    assert entry.person.edits["sex"].text() == "女"
    qtbot.keyClicks(entry.person.edits["phone"], "abc")
    qtbot.mouseClick(entry.submit, CLICK)
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=WAIT)
    assert entry.person.error_text("mykey_id") == "マイキーIDを読み取ってください（マイキーIDの入力は必須です）。"
    assert entry.person.error_text("phone") == "電話番号は数字とハイフンで、数字15桁以内で入力してください。"
    entry.person.edits["phone"].clear()
    qtbot.keyClicks(entry.person.edits["phone"], "044-000-1111")
    qtbot.mouseClick(entry.read_mykey, CLICK)
    qtbot.waitUntil(lambda: entry.person.mykey_edit.text() == HOLDER, timeout=WAIT)
    qtbot.mouseClick(entry.submit, CLICK)
    qtbot.waitUntil(lambda: "登録しました" in entry.status.text, timeout=WAIT)
    support = window.ctx.grant_services.support
    assert support.store.person(HOLDER).phone == "044-000-1111"
    qtbot.mouseClick(entry.read_mykey, CLICK)                  # same person again, new phone
    qtbot.waitUntil(lambda: entry.person.mykey_edit.text() == HOLDER, timeout=WAIT)
    qtbot.keyClicks(entry.person.edits["phone"], "090-2222-3333")
    qtbot.mouseClick(entry.submit, CLICK)
    qtbot.waitUntil(lambda: entry.duplicate_bar.isVisible(), timeout=WAIT)
    assert "既にこの付与事業の名簿に登録されています" in entry.status.text
    qtbot.mouseClick(entry.cancel, CLICK)
    assert support.store.person(HOLDER).phone == "044-000-1111"
    qtbot.mouseClick(entry.overwrite, CLICK)
    qtbot.waitUntil(lambda: "登録しました" in entry.status.text, timeout=WAIT)
    assert support.store.person(HOLDER).phone == "090-2222-3333"
    assert support.cloud.roster(BUSINESS_ID) == [(HOLDER, 100)]


def fill_roster(window: Any, count: int) -> None:
    """A roster of `count` people besides MY123456 (entered through the service, fast)."""
    support = window.ctx.grant_services.support
    support.register(BUSINESS_ID, {"mykey_id": HOLDER, "name": "川崎 花子",
                                   "birth_date": "1985-04-02"})
    for n in range(count):
        support.register(BUSINESS_ID, {"mykey_id": f"ZZ{n:06d}", "name": f"対象 {n:02d}",
                                       "birth_date": f"19{50 + n}-01-01"})


def test_roster_search_sort_paging_and_grant(grant_window: Any, qtbot: Any, world: Any,
                                             smtp: Any) -> None:
    window = grant_window()
    menu = open_menu(window, qtbot)
    fill_roster(window, 24)
    qtbot.mouseClick(menu.buttons["g73"], CLICK)
    roster = window.current
    assert roster.count_label.text() == "対象者数：25件"
    assert roster.page_label.text() == "1 / 2 ページ" and roster.table.rowCount() == 20
    qtbot.mouseClick(roster.next_button, CLICK)
    assert roster.table.rowCount() == 5 and not roster.next_button.isEnabled()
    type_text(qtbot, roster.query, "川崎")
    qtbot.mouseClick(roster.show_button, CLICK)
    assert roster.row_texts() == [["川崎 花子", "1985年4月2日", "", "", HOLDER, "100"]]
    roster.query.clear()
    qtbot.keyClicks(roster.query, "1955-01-01")
    qtbot.mouseClick(roster.show_button, CLICK)
    assert [r[4] for r in roster.row_texts()] == ["ZZ000005"]
    roster.query.clear()
    roster.sort.setCurrentIndex(roster.sort.findData("birth_date"))
    roster.descending.setChecked(True)
    assert roster.row_texts()[0][1] == "1985年4月2日"            # the youngest first
    before = world.balance(HOLDER)
    assert roster.grant_date.text() == today_jst().isoformat()        # 付与日: today in Japan
    roster.table.item(0, 0).setCheckState(Qt.CheckState.Checked)      # MY123456
    roster.table.item(1, 0).setCheckState(Qt.CheckState.Checked)      # ZZ000023: no holder
    roster.grant_date.setText(str(today_jst() + timedelta(days=1)))   # a day not yet come
    qtbot.mouseClick(roster.grant_button, CLICK)
    qtbot.waitUntil(lambda: roster.grant_form.error_text("grant_date") != "", timeout=WAIT)
    assert "今日から1年前までの日付" in roster.grant_form.error_text("grant_date")
    assert world.balance(HOLDER) == before
    roster.grant_date.setText(today_jst().isoformat())
    qtbot.mouseClick(roster.grant_button, CLICK)
    qtbot.waitUntil(lambda: "1人にポイントを付与しました" in roster.status.text, timeout=WAIT)
    assert "ZZ000023（指定されたマイキーIDは登録されていません。）" in roster.status.text
    assert world.balance(HOLDER) == before + 100
    roster.table.item(0, 0).setCheckState(Qt.CheckState.Checked)      # the same round again
    qtbot.mouseClick(roster.grant_button, CLICK)
    qtbot.waitUntil(lambda: "1人にポイントを付与しました" in roster.status.text, timeout=WAIT)
    assert world.balance(HOLDER) == before + 100 and world.grant_txns(HOLDER) == 1
    assert len(smtp.wait_for(1)) == 1


def test_import_bad_row_and_template(grant_window: Any, qtbot: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    window = grant_window()
    menu = open_menu(window, qtbot)
    qtbot.mouseClick(menu.buttons["g71"], CLICK)
    screen = window.current
    assert screen.info.text("municipality") == "川崎市" and screen.info.text("points") == "100 pt"
    template = tmp_path / "様式.xlsx"
    screen.ask_save = lambda name: template
    qtbot.mouseClick(screen.template, CLICK)
    qtbot.waitUntil(lambda: "様式を保存しました" in screen.status.text, timeout=WAIT)
    book = load_workbook(template)
    book["対象者名簿"].append(["0001", HOLDER, "141305", "川崎 花子", "1985-04-02"])
    book["対象者名簿"].append(["0002", "KEY34567", "141305", "高津 太郎"])
    book.save(tmp_path / "支所.xlsx")
    screen.ask_open = lambda: tmp_path / "支所.xlsx"
    qtbot.mouseClick(screen.findChild(type(screen.template), "chooseButton"), CLICK)
    qtbot.mouseClick(screen.submit, CLICK)
    qtbot.waitUntil(lambda: "取り込みを中止しました" in screen.status.text, timeout=WAIT)
    assert "3行目: 付与事業ID 0002 は選択中の付与事業と違います" in screen.status.text
    assert window.ctx.grant_services.store.roster(BUSINESS_ID) == []


def test_a_wrong_collation_number_gets_no_retry_button(grant_window: Any, qtbot: Any,
                                                       world: Any) -> None:
    """GIVEN a wrong 照合番号B on 画面72 WHEN the card refuses it THEN the message shows without
    再試行: each try counts against the card's limit, so the clerk types the number again
    rather than a button sending the same wrong number until the card locks."""
    from drivers.card.virtual.card_file import load_card

    path = world.card(HOLDER)
    window = grant_window(VirtualReader(path))
    menu = open_menu(window, qtbot)
    qtbot.mouseClick(menu.buttons["g72"], Qt.MouseButton.LeftButton)
    entry = window.current
    right = collation(path)
    before = load_card(path).keys["collation_b"].tries_left
    qtbot.keyClicks(entry.collation, ("1" if right[0] != "1" else "2") + right[1:])
    qtbot.mouseClick(entry.read_face, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=15000)
    assert entry.status.text and not entry.status.retry_button.isVisible()
    assert load_card(path).keys["collation_b"].tries_left == before - 1
