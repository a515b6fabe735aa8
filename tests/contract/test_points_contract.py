"""GIVEN registered terminals on the real cloud WHEN points are used, vouchers issued and
redeemed, and points merged THEN the receipts, balances and files agree with docs/api.md, and a
lost answer never takes points twice."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from terminal_app.api.errors import CloudError
from terminal_app.domain.errors import OutcomeUnknown, UserFacingError
from tests.contract.conftest import World
from tests.contract.helpers import registered, with_card


def test_spend_gives_the_receipt_and_the_new_balance(world: World) -> None:
    services = registered(world, "00052559")
    card = with_card(world, services)
    receipt = services.points.spend(card, "00000001", 500)
    assert (receipt.point_name, receipt.amount, receipt.balance_after) == ("川崎市ポイント", 500, 1230)
    assert len(receipt.txn_no) == 13 and receipt.terminal_id == "00052559"
    assert services.cards.read().balances[0].balance == 1230


def test_spend_over_the_balance_is_refused_locally_and_by_the_cloud(world: World) -> None:
    services = registered(world, "00052559")
    card = with_card(world, services)
    with pytest.raises(UserFacingError, match="残高"):
        services.points.spend(card, "00000001", 1731)
    services.points.spend(card, "00000001", 1500)
    with pytest.raises(CloudError) as info:  # the card read is stale now: the cloud decides
        services.points.spend(card, "00000001", 500)
    assert info.value.code == "insufficient_balance"
    assert services.cards.read().balances[0].balance == 230


def test_lost_answer_is_retried_with_the_same_key_and_points_are_taken_once(world: World) -> None:
    services = registered(world, "00052559")
    card = with_card(world, services)
    world.transport.faults = ["after", "before"]  # applied, answer lost; then request lost
    receipt = services.points.spend(card, "00000001", 500, key="spend-lost-0001")
    assert receipt.balance_after == 1230
    sent = [c for c in world.transport.calls if c[1] == "/api/v1/spend"]
    assert len(sent) == 3 and {c[2]["Idempotency-Key"] for c in sent} == {"spend-lost-0001"}
    assert len({c[2]["X-MyKey-Nonce"] for c in sent}) == 3 and len({c[3] for c in sent}) == 1
    assert services.cards.read().balances[0].balance == 1230


def test_outcome_unknown_then_recheck_returns_the_first_result(world: World) -> None:
    services = registered(world, "00052559")
    card = with_card(world, services)
    world.transport.faults = ["after", "before", "before"]  # http_retries=2: 3 tries, no answer
    with pytest.raises(OutcomeUnknown) as info:
        services.points.spend(card, "00000001", 700)
    receipt = services.recheck.recheck(info.value.key)
    assert receipt.balance_after == 1030 and receipt.amount == 700
    assert services.recheck.recheck(info.value.key) == receipt   # answered from the outbox
    assert services.cards.read().balances[0].balance == 1030


def test_pending_spend_is_resent_on_next_start(world: World) -> None:
    services = registered(world, "00052559")
    card = with_card(world, services)
    world.transport.faults = ["before"] * 3
    with pytest.raises(OutcomeUnknown):
        services.points.spend(card, "00000001", 100)
    services.close()
    restarted = world.services()   # same home: same outbox, same credential
    resumed = restarted.recheck.resume_pending()
    assert [r.response.status for r in resumed if r.response] == [201]
    assert restarted.cards.read().balances[0].balance == 1630


def test_voucher_issue_info_redeem_and_reprint(world: World) -> None:
    issuer = registered(world, "00053059", "issuer")
    card = with_card(world, issuer)
    issued = issuer.vouchers.issue(card, "00000001", 1000, 7)
    assert len(issued.voucher_no) == 12 and issued.balance_after == 730
    assert issued.expires_on - issued.issued_at.date() == timedelta(days=6)  # 7 days incl. today
    again = issuer.vouchers.reprint(issued.voucher_no)
    assert (again.voucher_no, again.txn_no, again.amount) == (issued.voucher_no, issued.txn_no, 1000)
    shop = registered(world, "00052559", "shop")
    info = shop.vouchers.info(issued.voucher_no[:4] + "-" + issued.voucher_no[4:])
    assert (info.state, info.amount, info.point_name) == ("issued", 1000, "川崎市ポイント")
    done = shop.vouchers.redeem(issued.voucher_no)
    assert done.amount == 1000 and done.place == "川崎市藤子・F・不二雄ミュージアム"
    with pytest.raises(CloudError) as twice:
        shop.vouchers.redeem(issued.voucher_no)
    assert twice.value.code == "voucher_already_redeemed" and "消込済み" in str(twice.value)
    assert shop.vouchers.info(issued.voucher_no).state == "redeemed"


def test_voucher_validity_is_checked_before_sending(world: World) -> None:
    issuer = registered(world, "00053059")
    card = with_card(world, issuer)
    calls = len(world.transport.calls)
    with pytest.raises(UserFacingError, match="30日"):
        issuer.vouchers.issue(card, "00000001", 100, 31)
    assert len(world.transport.calls) == calls


def test_wrong_category_gets_the_clouds_message(world: World) -> None:
    library = registered(world, "00052459")
    card = with_card(world, library)
    assert [b.balance for b in card.balances] == [1730]
    with pytest.raises(CloudError) as info:
        library.points.spend(card, "00000001", 100)
    assert (info.value.status, info.value.code) == (403, "forbidden_category")
    assert "区分" in str(info.value)


def test_merge_writes_the_linkage_file_atomically(world: World) -> None:
    shop = registered(world, "00052489")
    card = with_card(world, shop)
    service_id = shop.service_ids.register(card, "BRM-0001")
    assert service_id.id_business.name == "ブレーメン商店街"
    result = shop.points.merge(card, "00000001", 300)
    assert (result.street_name, result.customer_id, result.receipt.balance_after) == (
        "ブレーメン商店街", "BRM-0001", 1430)
    folder = world.tmp / "t1" / "merge"
    files = sorted(p.name for p in folder.iterdir())
    assert files == [result.linkage.filename] and result.saved_path
    assert (folder / result.linkage.filename).read_bytes() == result.linkage.content
    by_shopping_card = shop.cards.read_shopping("BRM-0001")
    assert by_shopping_card.mykey_id == "MY123456"


def test_merge_folder_missing_is_refused_before_sending(world: World) -> None:
    shop = registered(world, "00052489", merge_folder=world.tmp / "nowhere")
    card = with_card(world, shop)
    with pytest.raises(UserFacingError, match="フォルダ"):
        shop.points.merge(card, "00000001", 300)
    assert shop.cards.read().balances[0].balance == 1730


def test_report_and_csv_for_this_place(world: World) -> None:
    shop = registered(world, "00052559")
    card = with_card(world, shop)
    r1 = shop.points.spend(card, "00000001", 500)
    shop.points.spend(card, "00000001", 230)
    day = r1.executed_at.date()
    report = shop.reports.place(day, day)
    assert (report.count, report.points) == (2, 730)
    assert {row.txn_no for row in report.rows} >= {r1.txn_no}
    target = world.tmp / "report.csv"
    shop.reports.save_csv(day.isoformat(), day.isoformat(), target)
    text = target.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf") and r1.txn_no.encode() in text
    assert json.dumps(report.place, ensure_ascii=False).count("ミュージアム") == 1


def test_recheck_after_the_card_token_expired_still_returns_the_first_result(
        world: World) -> None:
    from dataclasses import replace

    cloud = world.app.extensions["mykey"]
    cloud.settings = replace(cloud.settings, card_token_ttl_s=60)
    services = registered(world, "00052559")
    card = with_card(world, services)
    world.transport.faults = ["after", "before", "before"]
    with pytest.raises(OutcomeUnknown) as info:
        services.points.spend(card, "00000001", 400)
    cloud.clock.advance(seconds=120)              # the card token has expired now
    with pytest.raises(CloudError) as expired:
        services.points.spend(card, "00000001", 1)
    assert expired.value.code == "card_token_invalid"
    receipt = services.recheck.recheck(info.value.key)
    assert receipt.amount == 400 and receipt.balance_after == 1330
