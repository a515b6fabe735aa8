"""GIVEN a library terminal (category A) on the real cloud WHEN a service ID is registered and
looked up THEN the business, mode and symbology agree, and the hand-over modes work: keystrokes
into the focused field, a printed label."""
from __future__ import annotations

from pathlib import Path

import pytest

from drivers.keyboard import KeystrokeSender
from drivers.printer.emulator.server import PrinterEmulator
from terminal_app.api.errors import CloudError
from terminal_app.domain.errors import UserFacingError
from terminal_app.services.service_ids import ServiceIdService
from tests.contract.conftest import World
from tests.contract.helpers import registered, with_card
from tests.recording_keys import RecordingInjector


def test_register_then_lookup(world: World) -> None:
    library = registered(world, "00052459")
    card = with_card(world, library)
    with pytest.raises(CloudError) as missing:
        library.service_ids.lookup(card)
    assert missing.value.code == "service_id_not_registered"
    done = library.service_ids.register(card, "180000000011")
    assert (done.id_business.name, done.mykey_id, done.customer_id) == (
        "川崎市立図書館", "MY123456", "180000000011")
    found = library.service_ids.read_and_lookup()
    assert found.customer_id == "180000000011"
    assert (found.id_business.lookup_mode, found.id_business.symbology) == ("barcode", "nw7")


def test_register_with_address_notice_reads_the_signature_certificate(world: World) -> None:
    library = registered(world, "00052459")
    card = with_card(world, library)
    with pytest.raises(UserFacingError, match="署名用電子証明書のパスワード"):
        library.service_ids.register(card, "180000000011", address_notice=True,
                                     sign_password="AB")
    done = library.service_ids.register(card, "180000000011", address_notice=True,
                                        sign_password="abc123")
    assert done.customer_id == "180000000011"


def test_card_without_signature_certificate_cannot_have_address_notices(world: World) -> None:
    library = registered(world, "00052459")
    world.insert(world.new_card("KEY34567", sign_password=None))
    card = library.cards.read()
    with pytest.raises(UserFacingError) as info:
        library.service_ids.register(card, "180000000012", address_notice=True,
                                     sign_password="ABC123")
    assert "署名用電子証明書" in str(info.value)


def test_bad_customer_id_is_refused_before_sending(world: World) -> None:
    library = registered(world, "00052459")
    card = with_card(world, library)
    with pytest.raises(UserFacingError, match="利用カード番号"):
        library.service_ids.register(card, "図書館カード")


def test_hand_off_types_the_number_and_enter(world: World) -> None:
    injector = RecordingInjector()
    library = world.services(keystroke_terminator="tab")
    library.service_ids = ServiceIdService(library.session, library.cards,   # a sender per use
                                           lambda: KeystrokeSender(injector), "tab")
    library = _registered_again(world, library)
    card = with_card(world, library)
    library.service_ids.register(card, "180000000011")
    library.service_ids.hand_off(library.service_ids.lookup(card))
    assert injector.events == ["180000000011", "<tab>", "<closed>"]


def test_label_printed_on_the_printer(world: World, tmp_path: Path) -> None:
    with PrinterEmulator(port=0, out_dir=tmp_path / "papers") as emulator:
        library = registered(world, "00052459", printer_spec=emulator.target,
                             printer_profile="tm-t88-kanji")
        card = with_card(world, library)
        library.service_ids.register(card, "180000000011")
        library.receipts.print(library.service_ids.lookup(card))
        papers = emulator.wait_for_papers(1, timeout_s=10)
        library.close()
    assert "川崎市立図書館" in papers[0].text


def _registered_again(world: World, services):  # type: ignore[no-untyped-def]
    from tests.contract.helpers import ContactForm

    form = ContactForm("高津図書館", "1台目", "川崎太郎", "213", "0001", "川崎市高津区",
                       "044-123-4567", "t@example.jp", "t@example.jp", "000001")
    services.registration.register("00052459", "e912kfja", form)
    return services


def test_injected_keystroke_sender_is_reused_for_every_hand_off(world: World) -> None:
    from terminal_app.services.container import build_services

    injector = RecordingInjector()
    base = registered(world, "00052459")
    library = build_services(base.config, transport=world.transport, reader=world.reader,
                             keystrokes=KeystrokeSender(injector), keyring_backend=world.keyring,
                             fingerprint=base.session._fingerprint_fn)
    card = with_card(world, library)
    library.service_ids.register(card, "180000000011")
    found = library.service_ids.lookup(card)
    library.service_ids.hand_off(found)
    library.service_ids.hand_off(found)
    assert injector.events == ["180000000011", "<enter>"] * 2
