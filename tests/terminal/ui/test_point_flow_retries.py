"""画面29-39 after something went wrong: GIVEN a use whose answer was lost, or whose linkage file
could not be saved after the cloud's answer WHEN the clerk presses 利用 again or 再試行 THEN the
recorded request is sent again (the cloud answers with the first result): the points are taken
once, and a voucher redeemed so shows its redemption. GIVEN another card being read WHEN
Enter is pressed in the amount THEN nothing is confirmed for the card shown. (Found by review:
each of these took the points twice, from the other card, or refused the redemption made.)"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from drivers.card.virtual.reader import VirtualReader
from terminal_app.api.transport import RequestsTransport
from tests.terminal.ui.harness import CHAMBER, FlakyTransport, register
from tests.terminal.ui.test_merge import open_merge
from tests.terminal.ui.test_spend import open_spend, read_card, spend_with_every_answer_lost

CLICK = Qt.MouseButton.LeftButton


def test_pressing_use_again_after_a_lost_answer_takes_the_points_once(
        make_window: Any, cloud: Any, qtbot: Any) -> None:
    window, screen, flaky = spend_with_every_answer_lost(make_window, cloud, qtbot)
    assert screen.pages.currentIndex() == 1 and "再確認" in screen.status.text
    flaky.faults.clear()
    qtbot.mouseClick(screen.action_button, CLICK)        # 利用, not 再確認
    qtbot.waitUntil(lambda: screen.pages.currentIndex() == 2, timeout=15000)
    assert screen.result.balance_after == 1230
    assert window.ctx.services.cards.read().balances[0].balance == 1230


def test_retry_after_the_linkage_file_failed_merges_once(make_window: Any, cloud: Any,
                                                         qtbot: Any, monkeypatch: Any) -> None:
    import terminal_app.services.points as points_service

    window, screen = open_merge(make_window, cloud, qtbot,
                                VirtualReader(cloud.world.card("MY123456").path))
    qtbot.mouseClick(screen.read_button, CLICK)
    qtbot.waitUntil(lambda: screen.card is not None, timeout=15000)
    qtbot.keyClicks(screen.amount, "200")
    qtbot.mouseClick(screen.confirm_button, CLICK)
    replace, calls = points_service.os.replace, []

    def disk_full_once(src: Any, dst: Any) -> None:
        calls.append(dst)
        if len(calls) == 1:
            raise OSError(28, "No space left on device")
        replace(src, dst)

    monkeypatch.setattr(points_service.os, "replace", disk_full_once)
    qtbot.mouseClick(screen.action_button, CLICK)         # merged at the cloud, file not saved
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=15000)
    assert screen.status.retry_button.isVisible()
    qtbot.mouseClick(screen.status.retry_button, CLICK)   # 再試行
    qtbot.waitUntil(lambda: screen.pages.currentIndex() == 2, timeout=15000)
    assert len(calls) == 2                                # the one merge's file, saved now
    assert window.ctx.services.cards.read().balances[0].balance == 1530


def test_enter_in_the_amount_while_another_card_is_read_confirms_nothing(
        make_window: Any, cloud: Any, qtbot: Any) -> None:
    reader = VirtualReader(cloud.world.card("MY123456").path, delay_ms=20)
    window, screen = open_spend(make_window, cloud, qtbot, reader=reader)
    read_card(window, screen, qtbot)
    qtbot.keyClicks(screen.amount, "100")
    reader.insert(cloud.world.card("KEY34567").path)      # the next customer's card
    qtbot.mouseClick(screen.read_button, CLICK)
    assert window.ctx.jobs.busy
    qtbot.keyClick(screen.amount, Qt.Key.Key_Return)
    assert screen.pages.currentIndex() == 0               # nothing confirmed for MY123456
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=30000)
    assert screen.card.mykey_id == "KEY34567" and screen.pages.currentIndex() == 0


def test_redeeming_again_after_a_lost_answer_shows_the_redemption_it_made(
        make_window: Any, cloud: Any, qtbot: Any) -> None:
    """GIVEN a voucher redeemed at the cloud whose answer was lost WHEN the clerk presses 再確認
    THEN 画面36 shows that redemption (same key: the first answer), not "already redeemed"."""
    flaky = FlakyTransport(RequestsTransport(cloud.url))
    window = make_window(cloud.url, reader=VirtualReader(cloud.world.card("MY123456").path),
                         transport=flaky)
    register(window.ctx.services, CHAMBER)
    window.ctx.terminal = window.ctx.services.registration.terminal_info()
    card = window.ctx.services.cards.read()
    issued = window.ctx.services.vouchers.issue(card, card.balances[0].point_id, 300, 10)
    redeem = window.navigate("s35")
    qtbot.keyClicks(redeem.number, issued.voucher_no)
    qtbot.mouseClick(redeem.read_button, CLICK)
    qtbot.waitUntil(lambda: redeem.voucher is not None, timeout=15000)
    flaky.faults[f"/api/v1/vouchers/{issued.voucher_no}/redeem"] = ["after"] * 10
    qtbot.mouseClick(redeem.redeem_button, CLICK)
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=60000)
    assert redeem.status.retry_button.text() == "再確認"
    flaky.faults.clear()
    qtbot.mouseClick(redeem.status.retry_button, CLICK)
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=15000)
    assert redeem.pages.currentIndex() == 1, redeem.status.text


def test_creating_a_mykey_id_again_after_a_lost_answer_shows_the_id_made(
        make_window: Any, cloud: Any, qtbot: Any, tmp_path: Any) -> None:
    """GIVEN a MyKey ID created at the cloud whose answer was lost WHEN the clerk presses 再試行
    THEN 画面17 shows the ID (the same key gets the first answer), not an expired challenge."""
    from tests.terminal.ui.harness import MUSEUM
    from tests.terminal.ui.test_mykey_id import enter_pin, new_holder_card

    flaky = FlakyTransport(RequestsTransport(cloud.url))
    window = make_window(cloud.url, reader=VirtualReader(new_holder_card(cloud, tmp_path)),
                         transport=flaky)
    register(window.ctx.services, MUSEUM)
    window.ctx.terminal = window.ctx.services.registration.terminal_info()
    screen = window.navigate("s14")
    screen.show_page(1)
    enter_pin(window, screen, qtbot, "4321")
    qtbot.mouseClick(screen.auto_button, CLICK)
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=15000)
    qtbot.keyClicks(screen.password, "abc12345")
    qtbot.keyClicks(screen.password2, "abc12345")
    flaky.faults["/api/v1/mykey"] = ["after"] * 10
    qtbot.mouseClick(screen.submit, CLICK)
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=60000)
    flaky.faults.clear()
    qtbot.mouseClick(screen.status.retry_button, CLICK)
    qtbot.waitUntil(lambda: not window.ctx.jobs.busy, timeout=15000)
    assert screen.pages.currentIndex() == 3, screen.status.text
