"""ログインロック解除 in Chromium: GIVEN locked logins in 川崎市 and 豊島区 WHEN 川崎市's
administrator opens the screen THEN only 川崎市's are listed; confirm → 解除 unlocks one (audit log
line, the login works again); a forged POST for 豊島区's login — even with a valid CSRF token —
changes nothing; a POST without the token is refused; partners and shops cannot open the screen."""
from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import select

from cloud_api.db import unit_of_work
from cloud_api.models.accounts import Terminal
from cloud_api.models.console import ConsoleUser
from cloud_api.services.console.login import create_staff
from tests.web.conftest import csrf_of, login
from tests.web.seed import NOW, PASSWORD

pytestmark = pytest.mark.browser


def lock(live: Any, *, staff: tuple[str, ...] = (), terminals: tuple[str, ...] = ()) -> None:
    """GIVEN state: these logins are locked after five failures."""
    with unit_of_work(live.app.extensions["mykey"].sessions) as s:
        for login_id in staff:
            user = s.scalar(select(ConsoleUser).where(ConsoleUser.login_id == login_id))
            user.locked, user.failed_attempts = True, 5
        for terminal_id in terminals:
            terminal = s.get(Terminal, terminal_id)
            terminal.state, terminal.failed_attempts = "locked", 5


def add_staff(live: Any, login_id: str, code: str) -> None:
    with unit_of_work(live.app.extensions["mykey"].sessions) as s:
        create_staff(s, login_id=login_id, password=PASSWORD, role="municipality",
                     display_name="市民課", now=NOW, municipality_code=code)


def states(live: Any) -> dict[str, Any]:
    with unit_of_work(live.app.extensions["mykey"].sessions) as s:
        users = {u.login_id: u.locked for u in s.scalars(select(ConsoleUser))}
        terminals = {t.terminal_id: t.state for t in s.scalars(select(Terminal))}
    return {**users, **terminals}


def test_administrator_unlocks_own_logins_only(page: Any, live: Any, caplog: Any) -> None:
    add_staff(live, "kawasaki2", "141305")
    lock(live, staff=("kawasaki2", "toshima"), terminals=("00010012", "00020001"))
    login(page, "kawasaki")
    page.click("#menu-staff-locks")
    assert page.inner_text("#count") == "ロック中: 2件"
    rows = page.locator("#locked tbody tr").all_inner_texts()
    assert [r.split("\t")[:2] for r in rows] == [["職員ログイン", "kawasaki2"],
                                                 ["端末", "00010012"]]
    assert "toshima" not in page.content() and "00020001" not in page.content()

    page.click("#unlock-kawasaki2")
    assert "kawasaki2" in page.inner_text("#confirm-table")
    page.click("#back")                                         # 戻る: nothing changes
    assert states(live)["kawasaki2"] is True
    page.click("#unlock-kawasaki2")
    with caplog.at_level(logging.WARNING, logger="cloud_api.services.console.login"):
        page.click("#unlock")
    assert page.inner_text("#done-message") == "職員ログイン kawasaki2 のロックを解除しました。"
    assert ("audit: staff login kawasaki2 of municipality 141305 unlocked by console login "
            "kawasaki") in caplog.text
    page.click("#back-link")
    assert page.locator("#locked tbody tr").count() == 1

    page.click("#unlock-00010012")
    page.click("#unlock")
    assert page.inner_text("#done-message") == "端末 00010012 のロックを解除しました。"
    page.click("#back-link")
    assert page.inner_text("#none") == "ロックされているログインはありません。"
    after = states(live)
    assert (after["kawasaki2"], after["00010012"]) == (False, "issued")   # no key registered
    assert (after["toshima"], after["00020001"]) == (True, "locked")   # 豊島区's stay locked

    page.context.clear_cookies()
    login(page, "kawasaki2")                                    # the unlocked logins work
    assert "トップメニュー" in page.inner_text("main")
    page.context.clear_cookies()
    login(page, "00010012")
    assert page.locator("nav.side-menu a").all_inner_texts() == ["自治体ポイント集計"]


def test_forged_post_for_another_municipality_changes_nothing(page: Any, live: Any) -> None:
    lock(live, staff=("toshima",), terminals=("00020001",))
    login(page, "kawasaki")
    page.goto("/console/staff-locks")
    token = csrf_of(page.content())
    for kind, login_id in (("staff", "toshima"), ("terminal", "00020001"),
                           ("staff", "jal"), ("staff", "kawasaki")):
        for action in ("confirm", "unlock"):
            answer = page.request.post("/console/staff-locks", form={
                "csrf_token": token, "kind": kind, "login_id": login_id, "action": action})
            assert answer.status == 404
            assert "解除できるのは、この自治体のロックされた職員ログインと端末だけです" in answer.text()
    no_token = page.request.post("/console/staff-locks", form={
        "kind": "staff", "login_id": "toshima", "action": "unlock"})
    assert no_token.status == 400
    after = states(live)
    assert (after["toshima"], after["00020001"]) == (True, "locked")


def test_partner_and_shop_cannot_open_the_unlock_screen(page: Any, live: Any) -> None:
    lock(live, staff=("kawasaki",))
    for login_id in ("jal", "00010011"):
        page.context.clear_cookies()
        login(page, login_id)
        assert page.locator("#menu-staff-locks").count() == 0
        page.goto("/console/staff-locks")
        assert "権限がありません" in page.inner_text("#error-text")
        token = csrf_of(page.content())
        answer = page.request.post("/console/staff-locks", form={
            "csrf_token": token, "kind": "staff", "login_id": "kawasaki", "action": "unlock"})
        assert answer.status == 403
    assert states(live)["kawasaki"] is True


def test_unlocked_registered_terminal_is_active_again(console: Any) -> None:
    """A terminal that had registered its key goes back to 'active' (not 'issued')."""
    from cloud_api.services.console.login import TERMINAL, unlock

    with unit_of_work(console.app.extensions["mykey"].sessions) as s:
        terminal = s.get(Terminal, "00010005")
        terminal.public_key, terminal.state, terminal.failed_attempts = "k" * 43, "locked", 5
    with unit_of_work(console.app.extensions["mykey"].sessions) as s:
        unlock(s, "141305", TERMINAL, "00010005", 5, by="kawasaki")
    with unit_of_work(console.app.extensions["mykey"].sessions) as s:
        terminal = s.get(Terminal, "00010005")
        assert (terminal.state, terminal.failed_attempts) == ("active", 0)


def test_a_registered_terminals_password_locks_but_the_terminal_keeps_working(
        console: Any) -> None:
    """GIVEN a registered (active) terminal WHEN someone who knows its ID guesses its password
    five times THEN the password is locked (423, also for the right one) but the terminal is
    not: its state stays active, so its signed requests go on; the municipality's unlock list
    shows it, and unlocking gives the password back."""
    from cloud_api.services.console.login import TERMINAL, locked_logins, unlock
    from cloud_api.services.terminals import attempt_password

    sessions = console.app.extensions["mykey"].sessions
    with unit_of_work(sessions) as s:
        terminal = s.get(Terminal, "00010005")
        terminal.public_key, terminal.state = "k" * 43, "active"
    codes = []
    for _ in range(6):
        with unit_of_work(sessions) as s:
            _, error = attempt_password(s, "00010005", "guess", 5)
            codes.append(error.code if error else None)
    assert codes == ["terminal_bad_credentials"] * 4 + ["terminal_locked"] * 2
    with unit_of_work(sessions) as s:
        assert s.get(Terminal, "00010005").state == "active"
        _, error = attempt_password(s, "00010005", PASSWORD, 5)
        assert error is not None and error.code == "terminal_locked"
        assert [r.login_id for r in locked_logins(s, "141305", 5)] == ["00010005"]
        unlock(s, "141305", TERMINAL, "00010005", 5, by="kawasaki")
    with unit_of_work(sessions) as s:
        assert attempt_password(s, "00010005", PASSWORD, 5)[1] is None
        assert locked_logins(s, "141305", 5) == []
