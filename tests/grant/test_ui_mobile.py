"""画面74-79 with pytest-qt: roster sync, continuous offline card reads, upload after the 画面75
login, 画面78 lists who is not on the roster and who was granted that day already (by a branch
PC), 画面79 adds them and grants."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from drivers.card.virtual.reader import VirtualReader
from terminal_app.grant_support.models import today_jst
from tests.grant.helpers import BRANCH_TERMINAL, BUSINESS_ID, GRANT_TERMINAL, HOLDER, OTHER
from tests.grant.test_ui_business_support import open_menu

CLICK = Qt.MouseButton.LeftButton
WAIT = 15000


def relogin(window: Any, qtbot: Any, target: str) -> Any:
    screen = window.current
    assert screen.title_label.text() == "持ち歩き用ポイント付与アプリ ログイン"
    qtbot.keyClicks(screen.password, GRANT_TERMINAL[1])
    qtbot.mouseClick(screen.submit, CLICK)
    qtbot.waitUntil(lambda: window.current.screen_id == target, timeout=WAIT)
    return window.current


def branch_pc_grants_today(terminal: Any) -> list[Any]:
    """A branch office PC (画面73, no card) grants MY123456 for today."""
    _, grants = terminal(terminal=BRANCH_TERMINAL)
    grants.support.login(*BRANCH_TERMINAL)
    grants.support.register(BUSINESS_ID, {"mykey_id": HOLDER})
    return grants.support.grant(BUSINESS_ID, [HOLDER], today_jst().isoformat())


def test_mobile_mode_reads_uploads_and_adds(grant_window: Any, qtbot: Any, world: Any,
                                            terminal: Any) -> None:
    reader = VirtualReader()
    window = grant_window(reader)
    menu = open_menu(window, qtbot, ("name",))
    window.ctx.grant_services.support.register(BUSINESS_ID, {"mykey_id": HOLDER})
    qtbot.mouseClick(menu.buttons["g74"], CLICK)
    qtbot.mouseClick(window.current.findChild(type(menu.buttons["g74"]), "menu_g76"), CLICK)
    sync = relogin(window, qtbot, "g76")
    qtbot.mouseClick(sync.sync_button, CLICK)
    qtbot.waitUntil(lambda: sync.status.text == "名簿を同期しました（1人）。", timeout=WAIT)

    grant = window.navigate("g77")
    assert grant.points_label.text() == "100 pt"
    qtbot.mouseClick(grant.start_button, CLICK)
    assert not grant.start_button.isEnabled() and grant.stop_button.isEnabled()
    for n, card in enumerate((world.card(HOLDER), world.card(OTHER)), start=1):
        reader.insert(card)
        qtbot.waitUntil(lambda n=n: grant.count_label.text().startswith(f"読取済み {n}件"),
                        timeout=WAIT)
        reader.remove()
    qtbot.mouseClick(grant.stop_button, CLICK)
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=WAIT)
    assert grant.count_label.text() == "読取済み 2件（未送信 2件）"
    before = world.balance(HOLDER)
    [pc_grant] = branch_pc_grants_today(terminal)                # the same person, same day

    qtbot.mouseClick(grant.upload_button, CLICK)
    unlisted = relogin(window, qtbot, "g78")
    qtbot.waitUntil(lambda: "0人にポイントを付与しました" in unlisted.status.text, timeout=WAIT)
    assert "付与済みのため付与しなかった対象者 1件" in unlisted.status.text
    assert unlisted.already_texts() == [
        f"{HOLDER}　{today_jst().isoformat()} に付与済み（取引番号 {pc_grant.done.txn_no}）"]
    assert unlisted.texts() == [OTHER]
    assert world.balance(HOLDER) == before + 100                # once: by the branch PC

    qtbot.mouseClick(unlisted.add_button, CLICK)
    add = window.current
    assert add.screen_id == "g79" and add.info.text("business") == "健康づくり事業"
    assert add.person.mykey_edit.text() == OTHER
    qtbot.mouseClick(add.from_master, CLICK)                   # nobody in the master yet
    add.person.edits["name"].setText("高津 太郎")
    other_before = world.balance(OTHER)
    qtbot.mouseClick(add.submit, CLICK)
    qtbot.waitUntil(lambda: window.current.screen_id == "g78", timeout=WAIT)
    assert "100ポイントを付与しました" in window.current.status.text
    assert window.current.texts() == []
    assert world.balance(OTHER) == other_before + 100
    assert world.verify_ledger() == []
