"""GIVEN the real cloud WHEN a card holder creates a MyKey ID at the counter (画面14-17) and
receipts are printed THEN the card's signature is accepted, the rules hold, and the printer gets
the Japanese receipt."""
from __future__ import annotations

from pathlib import Path

import pytest

from drivers.printer.emulator.server import PrinterEmulator
from terminal_app.api.errors import CloudError
from terminal_app.domain.errors import UserFacingError
from terminal_app.domain.mykey import MykeyProfile
from tests.contract.conftest import World
from tests.contract.helpers import registered, with_card

PROFILE = MykeyProfile("pass1234", "pass1234", "141305", "hanako@example.jp",
                       "hanako@example.jp", {"notice_granted": True})


def test_auto_generated_mykey_id_is_registered_and_the_card_then_reads(world: World) -> None:
    counter = registered(world, "00052559")
    world.insert(world.new_card(None))
    draft = counter.mykey_ids.start("1234")
    draft = counter.mykey_ids.generate(draft)
    assert draft.candidate and draft.candidate.candidate and not draft.candidate.final
    created = counter.mykey_ids.create(draft, PROFILE)
    assert created.mykey_id == draft.candidate.candidate
    assert counter.cards.read().mykey_id == created.mykey_id


def test_third_generation_is_final(world: World) -> None:
    counter = registered(world, "00052559")
    world.insert(world.new_card(None))
    draft = counter.mykey_ids.start("1234")
    for _ in range(3):
        draft = counter.mykey_ids.generate(draft)
    assert draft.candidate is not None and draft.candidate.final
    with pytest.raises(UserFacingError, match="3回"):
        counter.mykey_ids.generate(draft)


def test_chosen_id_taken_is_reported(world: World) -> None:
    counter = registered(world, "00052559")
    world.new_card("MY123456")                 # someone already has MY123456
    world.insert(world.new_card(None))
    draft = counter.mykey_ids.check(counter.mykey_ids.start("1234"), "my123456")
    assert draft.candidate is not None and not draft.candidate.available
    draft = counter.mykey_ids.check(draft, "NEWID001")
    assert draft.candidate is not None and draft.candidate.candidate == "NEWID001"
    assert counter.mykey_ids.create(draft, PROFILE).mykey_id == "NEWID001"


def test_wrong_pin_reports_tries_left(world: World) -> None:
    counter = registered(world, "00052559")
    world.insert(world.new_card(None))
    with pytest.raises(UserFacingError) as info:
        counter.mykey_ids.start("9999")
    assert "2" in str(info.value)


def test_profile_rules_are_checked_before_sending(world: World) -> None:
    counter = registered(world, "00052559")
    world.insert(world.new_card(None))
    draft = counter.mykey_ids.generate(counter.mykey_ids.start("1234"))
    for bad, text in [(MykeyProfile("pass1234", "pass1235", "141305"), "一致しません"),
                      (MykeyProfile("pass", "pass", "141305"), "6〜16桁"),
                      (MykeyProfile("pass1234", "pass1234", ""), "基本自治体"),
                      (MykeyProfile("pass1234", "pass1234", "141305", "a@b.jp", "c@d.jp"),
                       "一致しません")]:
        with pytest.raises(UserFacingError, match=text):
            counter.mykey_ids.create(draft, bad)
    with pytest.raises(CloudError):  # a municipality without a point: the cloud refuses
        counter.mykey_ids.create(draft, MykeyProfile("pass1234", "pass1234", "131164"))


def test_point_use_receipt_printed_and_previewed(world: World, tmp_path: Path) -> None:
    with PrinterEmulator(port=0, out_dir=tmp_path / "papers") as emulator:
        shop = registered(world, "00052559", printer_spec=emulator.target,
                          printer_profile="tm-t88-kanji")
        card = with_card(world, shop)
        receipt = shop.points.spend(card, "00000001", 500)
        shop.receipts.print(receipt)
        paper = emulator.wait_for_papers(1, timeout_s=10)[0]
        shop.close()
    assert "500ポイント" in paper.text and "1,230ポイント" in paper.text
    assert receipt.txn_no in paper.text
    image = shop.receipts.preview(receipt)
    assert image.width > 100 and image.height > 100


def test_paper_out_is_a_japanese_error(world: World, tmp_path: Path) -> None:
    with PrinterEmulator(port=0, out_dir=tmp_path / "papers") as emulator:
        emulator.set_paper_out(True)
        shop = registered(world, "00052559", printer_spec=emulator.target)
        card = with_card(world, shop)
        receipt = shop.points.spend(card, "00000001", 500)
        with pytest.raises(UserFacingError, match="用紙"):
            shop.receipts.print(receipt)
        shop.close()


def test_no_printer_configured(world: World) -> None:
    shop = registered(world, "00052559")
    card = with_card(world, shop)
    with pytest.raises(UserFacingError, match="プリンターが設定されていません"):
        shop.receipts.print(shop.points.spend(card, "00000001", 1))


def test_mypage_password_never_reaches_the_outbox_file(world: World) -> None:
    import sqlite3

    counter = registered(world, "00052559")
    world.insert(world.new_card(None))
    draft = counter.mykey_ids.generate(counter.mykey_ids.start("1234"))
    counter.mykey_ids.create(draft, MykeyProfile("Secret777", "Secret777", "141305"))
    from terminal_app.domain.contact import ContactForm
    counter.registration.update_contact(ContactForm.from_contact(
        counter.registration.terminal_info().contact))   # a persisted mutation, for contrast
    path = counter.config.outbox_path
    with sqlite3.connect(path) as db:
        bodies = b"".join(row[0] for row in db.execute("SELECT body FROM outbox"))
    assert "川崎太郎".encode() in bodies and b"Secret777" not in bodies
    assert b"Secret777" not in b"".join(p.read_bytes() for p in path.parent.glob("outbox*"))
