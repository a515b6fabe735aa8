"""GIVEN the real cloud app WHEN the terminal's services register a terminal and read a card
THEN both sides agree on the JSON of docs/api.md."""
from __future__ import annotations

import pytest

from terminal_app.api.errors import CloudError
from terminal_app.domain.contact import ContactForm
from terminal_app.domain.errors import FieldErrors, UserFacingError
from tests.contract.conftest import FP, World

CONTACT = ContactForm("高津図書館", "高津図書館1台目", "川崎太郎", "213", "0001",
                      "神奈川県川崎市高津区溝口1-1", "044-123-4567", "taro@example.jp",
                      "taro@example.jp", "000001")


def test_precheck_then_register_then_signed_calls(world: World) -> None:
    services = world.services()
    assert not services.registration.is_registered()
    pre = services.registration.precheck("00052459", "e912kfja")
    assert (pre.category, pre.municipality.name, pre.registered) == ("A", "川崎市", False)
    assert [b.name for b in pre.id_businesses] == ["川崎市立図書館", "ブレーメン商店街"]
    info = services.registration.register("00052459", "e912kfja", CONTACT, pre)
    assert info.terminal_id == "00052459" and info.can("service_id")
    assert info.id_business is not None and info.id_business.symbology == "nw7"
    assert services.registration.is_registered()
    fresh = services.registration.terminal_info(refresh=True)
    assert fresh.contact.postal_code == "2130001" and fresh.contact.email == "taro@example.jp"
    register_call = next(c for c in world.transport.calls
                         if c[1].endswith("/terminals/register"))
    assert b"e912kfja" in (register_call[3] or b"")  # sent once, to register, never stored
    assert FP in (register_call[3] or b"").decode()


def test_wrong_password_is_refused_with_the_clouds_japanese_message(world: World) -> None:
    services = world.services()
    with pytest.raises(CloudError) as info:
        services.registration.precheck("00052459", "wrong-pw")
    assert info.value.code == "terminal_bad_credentials" and "パスワード" in str(info.value)
    assert not services.registration.is_registered()


def test_bad_contact_registers_nothing(world: World) -> None:
    services = world.services()
    bad = ContactForm(**{**CONTACT.__dict__, "email_confirm": "other@example.jp"})
    with pytest.raises(FieldErrors) as info:
        services.registration.register("00052459", "e912kfja", bad)
    assert "email_confirm" in info.value.errors
    assert not services.registration.is_registered()
    assert world.services("t2").registration.precheck("00052459", "e912kfja").registered is False


def test_second_machine_cannot_reuse_the_password(world: World) -> None:
    world.services("t1").registration.register("00052459", "e912kfja", CONTACT)
    other = world.services("t2")
    with pytest.raises(CloudError) as info:
        other.registration.register("00052459", "e912kfja", CONTACT)
    assert info.value.status in (401, 409)
    assert not other.registration.is_registered()  # its half-made credential was removed


def test_contact_change(world: World) -> None:
    services = world.services()
    services.registration.register("00052459", "e912kfja", CONTACT)
    changed = ContactForm(**{**CONTACT.__dict__, "person": "高津次郎"})
    assert services.registration.update_contact(changed).contact.person == "高津次郎"
    assert services.registration.terminal_info(refresh=True).contact.person == "高津次郎"


def test_card_read_gives_mykey_id_and_balances(world: World) -> None:
    services = world.services()
    services.registration.register("00052459", "e912kfja", CONTACT)
    world.insert(world.new_card("MY123456"))
    steps: list[float] = []
    card = services.cards.read(lambda text, fraction: steps.append(fraction))
    assert card.mykey_id == "MY123456" and steps[-1] == 1.0
    assert [(b.point_id, b.name, b.balance) for b in card.balances] == [
        ("00000001", "川崎市ポイント", 1730)]


def test_unregistered_card_and_no_card_are_japanese_errors(world: World) -> None:
    from terminal_app.domain.errors import UserFacingError

    services = world.services()
    services.registration.register("00052459", "e912kfja", CONTACT)
    with pytest.raises(UserFacingError) as info:
        services.cards.read()
    assert "カード" in str(info.value)
    world.insert(world.new_card(None))
    with pytest.raises(CloudError) as cloud_info:
        services.cards.read()
    assert cloud_info.value.code == "card_not_registered"


def test_meta_and_health_need_no_registration(world: World) -> None:
    client = world.services().session.public_client()
    assert client.health() == {"status": "ok"}
    assert client.meta()["api_version"] == "1"


def test_other_hardware_is_refused(world: World) -> None:
    from terminal_app.services.container import build_services

    services = world.services()
    services.registration.register("00052459", "e912kfja", CONTACT)
    moved = build_services(services.config, transport=world.transport,
                           keyring_backend=world.keyring, fingerprint=lambda: "0f" * 32)
    with pytest.raises(CloudError) as info:
        moved.registration.terminal_info()
    assert (info.value.status, info.value.code) == (401, "auth_wrong_fingerprint")
    assert "端末" in str(info.value)


def test_too_old_software_gets_version_too_old(world: World) -> None:
    from dataclasses import replace

    from terminal_app.api.errors import VersionTooOld

    services = world.services()
    services.registration.register("00052459", "e912kfja", CONTACT)
    cloud = world.app.extensions["mykey"]
    cloud.settings = replace(cloud.settings, min_terminal_version="9.0.0")
    with pytest.raises(VersionTooOld) as info:
        services.registration.terminal_info(refresh=True)
    assert info.value.min_version == "9.0.0" and "9.0.0" in str(info.value)


def test_a_lost_answer_is_resent_with_the_same_key_and_registers_once(
        world: World) -> None:
    """GIVEN the cloud registers the key but its answer is lost WHEN the terminal sends the
    registration again (same Idempotency-Key, same key pair) THEN the cloud answers with the
    first result: registered, not 409 terminal_already_registered."""
    services = world.services()
    pre = services.registration.precheck("00052459", "e912kfja")
    world.transport.faults = ["after"]
    info = services.registration.register("00052459", "e912kfja", CONTACT, pre)
    assert info.terminal_id == "00052459"
    sent = [c for c in world.transport.calls if c[1].endswith("/terminals/register")]
    assert len(sent) == 2 and sent[0][2]["Idempotency-Key"] == sent[1][2]["Idempotency-Key"]
    assert services.registration.terminal_info(refresh=True).terminal_id == "00052459"


def test_no_answer_at_all_keeps_the_key_and_the_next_start_finds_it_registered(
        world: World) -> None:
    services = world.services()
    pre = services.registration.precheck("00052459", "e912kfja")
    world.transport.faults = ["after"] * 4          # registered, but no try got an answer
    with pytest.raises(UserFacingError) as unconfirmed:
        services.registration.register("00052459", "e912kfja", CONTACT, pre)
    world.transport.faults.clear()                  # the line is back
    assert unconfirmed.value.code == "registration_unconfirmed"
    assert "確認できませんでした" in str(unconfirmed.value)
    restarted = world.services()
    assert restarted.registration.is_registered()
    assert restarted.registration.terminal_info().terminal_id == "00052459"


def test_a_registration_that_never_arrived_sends_the_clerk_back_to_register(
        world: World) -> None:
    services = world.services()
    pre = services.registration.precheck("00052459", "e912kfja")
    world.transport.faults = ["before"] * 4         # none of the tries reached the cloud
    with pytest.raises(UserFacingError):
        services.registration.register("00052459", "e912kfja", CONTACT, pre)
    world.transport.faults.clear()                  # the line is back
    restarted = world.services()
    with pytest.raises(UserFacingError) as unknown:
        restarted.registration.terminal_info()
    assert unknown.value.code == "not_registered"
    assert not restarted.registration.is_registered()   # the unknown key is gone
    info = restarted.registration.register("00052459", "e912kfja", CONTACT)
    assert info.terminal_id == "00052459"
