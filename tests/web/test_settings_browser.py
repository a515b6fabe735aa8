"""GIVEN a municipality logged in WHEN it fills 画面4/5/11/63 THEN rules hold and data is saved."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.web.conftest import login

pytestmark = pytest.mark.browser

GOOD_POINT = {"#f-point_name": "川崎市ポイント", "#f-validity_days": "60", "#f-municipality_name": "川崎市",
              "#f-municipality_code": "141305", "#f-department": "企画課", "#f-person": "稲原 浩",
              "#f-postal_code": "2100006", "#f-address": "川崎区砂子1-1", "#f-phone": "0442001111",
              "#f-email": "point@example.com", "#f-bank_name": "A銀行", "#f-bank_code": "0000",
              "#f-bank_branch": "川崎支店", "#f-bank_branch_code": "12345",
              "#f-bank_account_number": "99999999", "#f-bank_account_holder": "川崎市会計管理者"}


def _fill(page, values: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    for selector, value in values.items():
        page.fill(selector, value)


def test_point_setup_rejects_bad_fields_then_registers_and_keeps_history(page) -> None:  # type: ignore[no-untyped-def]
    login(page, "kawasaki")
    page.goto("/console/points")
    _fill(page, {**GOOD_POINT, "#f-department": "課" * 51, "#f-postal_code": "210-0006",
                 "#f-phone": "044-200-1111", "#f-municipality_code": "141306", "#f-bank_code": "12345"})
    page.click("#confirm")
    assert "50文字以内" in page.inner_text("#err-department")
    assert "ハイフンなし" in page.inner_text("#err-postal_code")
    assert "ハイフンなし" in page.inner_text("#err-phone")
    assert "検査数字" in page.inner_text("#err-municipality_code")
    assert "4文字以内" in page.inner_text("#err-bank_code")
    _fill(page, GOOD_POINT)
    page.check("input[name=bank_account_type][value='current']")
    page.click("#confirm")
    assert "当座預金" in page.inner_text("table.confirm")
    page.click("#register")
    assert page.inner_text("#done-message") == "自治体ポイントの登録が完了しました。"
    page.goto("/console/points")
    _fill(page, {"#f-validity_days": "90"})
    page.click("#confirm")
    page.click("#register")
    page.goto("/console/points")
    page.click("#history-link")
    rows = page.locator("#history tbody tr").all_inner_texts()
    assert len(rows) == 2 and "発行日を起点に" not in rows[0] and "90" in rows[0] and "60" in rows[1]


def test_another_municipality_code_is_refused(page) -> None:  # type: ignore[no-untyped-def]
    login(page, "kawasaki")
    page.goto("/console/points")
    _fill(page, {**GOOD_POINT, "#f-municipality_code": "131164"})
    page.click("#confirm")
    assert "一致しません" in page.inner_text("#err-municipality_code")


def test_postal_search_fills_the_address(page) -> None:  # type: ignore[no-untyped-def]
    login(page, "kawasaki")
    page.goto("/console/points")
    page.fill("#f-postal_code", "1710022")
    page.click("#postal-search")
    expect(page.locator("#postal-result")).to_contain_text("東京都")
    assert page.input_value("#f-address") == "豊島区南池袋"
    page.fill("#f-postal_code", "0000000")
    page.click("#postal-search")
    expect(page.locator("#postal-result")).to_contain_text("見つかりません")


def test_event_with_targets_is_registered_by_a_prefecture(page, live) -> None:  # type: ignore[no-untyped-def]
    login(page, "tokushima")
    page.goto("/console/events/new")
    _fill(page, {"#f-point_name": "阿波踊りにぎわいプロジェクト", "#f-validity_days": "10",
                 "#f-service_from": "2017/08/30", "#f-service_to": "2017/08/01"})
    page.click("#to-targets")
    assert "開始日以降" in page.inner_text("#err-service_to")
    _fill(page, {"#f-service_from": "2017/08/01", "#f-service_to": "2017/08/30"})
    page.click("#to-targets")
    page.click("#confirm")
    assert "1件以上" in page.inner_text("#targets-error")
    page.click("tr[data-town='362018'] button:has-text('選択') >> nth=0")
    page.select_option("select[name=category_360007]", "I")
    page.click("tr[data-town='360007'] button[value='category:360007']")
    page.click("tr[data-town='362018'] button[value='list:362018']")
    page.check("#terminals input[value='00030005']")
    page.click("#add-picked")
    chosen = page.inner_text("#chosen")
    assert "徳島市のすべての端末" in chosen and "徳島県の(イ)端末" in chosen and "00030005" in chosen
    page.check("#chosen input[value='category:360007:I']")
    page.click("#remove")
    assert "(イ)" not in page.inner_text("#chosen")
    page.click("#confirm")
    assert "徳島市のすべての端末" in page.inner_text("ul.targets")
    page.click("#register")
    assert page.inner_text("#done-message") == "特定支援イベントの登録が完了しました。"
    page.goto("/console/events")
    assert "阿波踊りにぎわいプロジェクト" in page.inner_text("#events")
    assert "2017/08/01 ~ 2017/08/30" in page.inner_text("#events")


def test_contacts_filter_count_and_csv(page) -> None:  # type: ignore[no-untyped-def]
    login(page, "kawasaki")
    page.goto("/console/contacts")
    page.click("#show")
    assert "件数: 5件" in page.inner_text("#count")
    assert "00020001" not in page.inner_text("#contacts")   # 豊島区's terminal never shows
    page.select_option("#f-category", "A")
    page.fill("#f-business_name", "図書館")
    page.click("#show")
    assert "件数: 2件" in page.inner_text("#count")
    with page.expect_download() as info:
        page.click("#csv-download")
    with open(info.value.path(), encoding="utf-8-sig") as fh:
        body = fh.read().splitlines()
    assert body[0].startswith("端末区分,端末ID") and len(body) == 3
    assert all("川崎市立図書館" in line for line in body[1:])


def test_grant_business_confirm_register_and_duplicate(page) -> None:  # type: ignore[no-untyped-def]
    login(page, "kawasaki")
    page.goto("/console/grant-businesses")
    _fill(page, {"#f-business_id": "01", "#f-name": "認知症サポーター養成講座", "#f-department": "福祉課",
                 "#f-points_per_grant": "0"})
    page.click("#confirm")
    assert "4桁" in page.inner_text("#err-business_id")
    assert "選択" in page.inner_text("#err-point_id")
    assert "1から" in page.inner_text("#err-points_per_grant")
    _fill(page, {"#f-business_id": "0001", "#f-points_per_grant": "100"})
    page.select_option("#f-point_id", index=1)
    page.click("#confirm")
    table = page.inner_text("#confirm-table")
    assert "141305" in table and "川崎市ポイント" in table and "発行日を起点に60日間" in table
    page.click("#register")
    assert page.inner_text("#done-message") == "登録処理が完了しました。"
    page.click("#back-link")
    assert "認知症サポーター養成講座" in page.inner_text("#grant-businesses")
    _fill(page, {"#f-business_id": "0001", "#f-name": "子育て支援事業", "#f-department": "子育て支援課",
                 "#f-points_per_grant": "500"})
    page.select_option("#f-point_id", index=1)
    page.click("#confirm")
    assert "既に登録" in page.inner_text("#err-business_id")
