"""GIVEN a virtual card WHEN the signature certificate or the 基本4情報 are read
THEN the right credential opens them, wrong ones count down, absent data is tolerated."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from cryptography import x509

from drivers.card import InvalidInput, MyNumberCard, PinBlocked, WrongPin
from drivers.card.virtual.reader import VirtualReader

from .card_data import COLLATION_B, PASSWORD, PIN, CardFactory
from .test_jpki_auth import Recorder


def _doc(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_given_password_when_reading_sign_cert_serial_then_serial(
        reader: VirtualReader, card_file: Path) -> None:
    expected = x509.load_pem_x509_certificate(
        _doc(card_file)["sign"]["cert_pem"].encode()).serial_number
    with reader.connect() as conn:
        assert MyNumberCard(conn).read_sign_certificate_serial(PASSWORD) == expected


def test_given_password_in_lower_case_when_reading_then_rejected_before_the_card(
        reader: VirtualReader, card_file: Path) -> None:
    with reader.connect() as conn:
        rec = Recorder(conn)
        with pytest.raises(InvalidInput) as err:
            MyNumberCard(rec).read_sign_certificate_serial("abc123")
    assert "署名用パスワード" in err.value.message and rec.log == []


def test_given_wrong_password_when_reading_then_five_tries_counted(
        reader: VirtualReader, card_file: Path) -> None:
    with reader.connect() as conn, pytest.raises(WrongPin) as err:
        MyNumberCard(conn).read_sign_certificate_serial("WRONG9")
    assert err.value.tries_left == 4 and "署名用パスワード" in err.value.message
    assert _doc(card_file)["keys"]["sign_password"]["tries_left"] == 4


def test_given_card_without_sign_cert_when_reading_then_none_and_no_try_spent(
        make_card: CardFactory) -> None:
    with VirtualReader(make_card("minor")).connect() as conn:
        rec = Recorder(conn)
        assert MyNumberCard(rec).read_sign_certificate_serial(PASSWORD) is None
    assert not any(c.startswith("0020") for c, _ in rec.log)


def test_given_sign_cert_ef_read_without_password_then_6982(reader: VirtualReader) -> None:
    with reader.connect() as conn:
        conn.transmit(bytes.fromhex("00A4040C0AD392F000260100000001"))
        conn.transmit(bytes.fromhex("00A4020C020001"))
        assert conn.transmit(bytes.fromhex("00B0000000"))[1] == 0x6982


def test_given_pin_when_reading_basic_info_then_four_facts(reader: VirtualReader) -> None:
    with reader.connect() as conn:
        info = MyNumberCard(conn).read_basic_info(pin=PIN)
    assert (info.name, info.birth, info.sex_label) == ("山田　太郎", date(1980, 2, 17), "男")


def test_given_collation_b_when_reading_basic_info_then_four_facts(
        reader: VirtualReader) -> None:
    with reader.connect() as conn:
        rec = Recorder(conn)
        info = MyNumberCard(rec).read_basic_info(collation_b=COLLATION_B)
    assert info.address == "東京都千代田区千代田１－１"
    assert ("00A4020C020015", 0x9000) in rec.log  # 照合番号B key, not the PIN key


def test_given_wrong_collation_b_when_reading_then_wrong_pin_with_tries(
        reader: VirtualReader, card_file: Path) -> None:
    with reader.connect() as conn, pytest.raises(WrongPin) as err:
        MyNumberCard(conn).read_basic_info(collation_b="55021720359999")
    assert err.value.tries_left == 9 and "照合番号B" in err.value.message
    assert _doc(card_file)["keys"]["collation_b"]["tries_left"] == 9
    assert _doc(card_file)["keys"]["text_pin"]["tries_left"] == 3


def test_given_text_pin_blocked_when_reading_then_blocked_but_collation_b_still_works(
        reader: VirtualReader) -> None:
    with reader.connect() as conn:
        card = MyNumberCard(conn)
        for _ in range(2):
            with pytest.raises(WrongPin):
                card.read_basic_info(pin="0000")
        with pytest.raises(PinBlocked):
            card.read_basic_info(pin="0000")
        assert card.read_basic_info(collation_b=COLLATION_B).name == "山田　太郎"


@pytest.mark.parametrize("kwargs,message", [
    ({}, "どちらか一方"), ({"pin": PIN, "collation_b": COLLATION_B}, "どちらか一方"),
    ({"collation_b": "5502172035228"}, "照合番号B"), ({"pin": "12345"}, "数字4桁"),
])
def test_given_bad_credentials_when_reading_basic_info_then_nothing_sent(
        reader: VirtualReader, kwargs: dict, message: str) -> None:
    with reader.connect() as conn:
        rec = Recorder(conn)
        with pytest.raises(InvalidInput) as err:
            MyNumberCard(rec).read_basic_info(**kwargs)
    assert message in err.value.message and rec.log == []


def test_given_leading_bytes_and_strict_le_card_when_reading_then_6cxx_resent_and_parsed(
        make_card: CardFactory) -> None:
    path = make_card(quirks={"basic_info_leading": 2, "strict_le": True})
    with VirtualReader(path).connect() as conn:
        rec = Recorder(conn)
        info = MyNumberCard(rec).read_basic_info(pin=PIN)
    assert info.birth == date(1980, 2, 17)
    first_read = next(i for i, (c, _) in enumerate(rec.log) if c.startswith("00B0"))
    assert rec.log[first_read][1] >> 8 == 0x6C
    assert rec.log[first_read + 1] == (f"00B00000{rec.log[first_read][1] & 0xFF:02X}", 0x9000)


def test_given_issuance_blocked_key_0012_when_queried_then_63c0_and_verify_6984(
        reader: VirtualReader) -> None:
    with reader.connect() as conn:
        conn.transmit(bytes.fromhex("00A4040C0AD3921000310001010408"))
        conn.transmit(bytes.fromhex("00A4020C020012"))
        assert conn.transmit(bytes.fromhex("00200080"))[1] == 0x63C0
        assert conn.transmit(bytes.fromhex("002000800431323334"))[1] == 0x6984


def test_given_switch_of_application_when_back_then_verification_dropped(
        reader: VirtualReader) -> None:
    with reader.connect() as conn:
        card = MyNumberCard(conn)
        card.read_basic_info(pin=PIN)
        conn.transmit(bytes.fromhex("00A4040C0AD392F000260100000001"))
        conn.transmit(bytes.fromhex("00A4040C0AD3921000310001010408"))
        conn.transmit(bytes.fromhex("00A4020C020002"))
        assert conn.transmit(bytes.fromhex("00B0000010"))[1] == 0x6982
