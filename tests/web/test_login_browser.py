"""GIVEN the console in Chromium WHEN people log in THEN menus, lockout, CSRF and timeout hold."""
from __future__ import annotations

import pytest

from tests.web.conftest import login

pytestmark = pytest.mark.browser


def test_municipality_login_shows_the_screen3_menu(page) -> None:  # type: ignore[no-untyped-def]
    login(page, "kawasaki")
    menu = page.inner_text("nav.side-menu")
    for item in ("自治体ポイント設定", "特定支援イベント設定", "連絡先情報確認", "ポイント付与事業登録",
                 "応援ポイント移行集計", "自治体ポイント集計"):
        assert item in menu
    assert "自治体ポイント管理クラウド" in page.inner_text("header")


def test_partner_sees_only_the_transfer_report(page) -> None:  # type: ignore[no-untyped-def]
    login(page, "jal")
    assert page.inner_text("nav.side-menu").split() == ["応援ポイント移行集計"]
    page.goto("/console/points")
    assert "権限がありません" in page.inner_text("#error-text")


def test_shop_terminal_login_sees_only_its_place_report(page) -> None:  # type: ignore[no-untyped-def]
    login(page, "00010011")
    links = page.locator("nav.side-menu a").all_inner_texts()
    assert links == ["自治体ポイント集計"]
    page.goto("/console/contacts")
    assert "権限がありません" in page.inner_text("#error-text")


def test_wrong_password_five_times_locks_the_login(page, live) -> None:  # type: ignore[no-untyped-def]
    for _ in range(4):
        login(page, "toshima", "wrong-password")
        assert "正しくありません" in page.inner_text("#login-error")
    login(page, "toshima", "wrong-password")
    assert "ロック" in page.inner_text("#login-error")
    login(page, "toshima")   # even the right password is refused now
    assert "ロック" in page.inner_text("#login-error")


def test_terminal_password_failures_lock_the_terminal(page) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        login(page, "00010012", "nope")
    login(page, "00010012")
    assert "ロック" in page.inner_text("#login-error")


def test_post_without_csrf_token_is_rejected_and_changes_nothing(page) -> None:  # type: ignore[no-untyped-def]
    login(page, "kawasaki")
    page.goto("/console/grant-businesses")
    page.evaluate("document.querySelector('main form input[name=csrf_token]').remove()")
    page.fill("#f-business_id", "0001")
    page.select_option("#f-point_id", index=1)
    page.fill("#f-name", "認知症サポーター養成講座")
    page.fill("#f-department", "福祉課")
    page.fill("#f-points_per_grant", "100")
    page.click("#confirm")
    assert "正しくない送信" in page.inner_text("#error-text")
    page.goto("/console/grant-businesses")
    assert "登録された付与事業はありません" in page.inner_text("#grant-businesses")


def test_idle_for_30_minutes_logs_out(page, live) -> None:  # type: ignore[no-untyped-def]
    login(page, "kawasaki")
    live.clock.advance(minutes=29)
    page.goto("/console/points")
    assert page.url.endswith("/console/points")
    live.clock.advance(minutes=31)
    page.goto("/console/points")
    assert "/console/login" in page.url
    assert "30分間操作がなかった" in page.inner_text("main")


def test_logout_ends_the_session(page) -> None:  # type: ignore[no-untyped-def]
    login(page, "kawasaki")
    page.click("button:has-text('ログアウト')")
    assert "ログアウトしました" in page.inner_text("main")
    page.goto("/console/contacts")
    assert "/console/login" in page.url
