"""GIVEN a virtual My Number card in the in-process reader WHEN the JPKI AP is used
THEN the driver speaks the protocol exactly (APDU sequence, status words, counters)."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.serialization import Encoding

from drivers.card import (
    CardRemoved,
    InvalidInput,
    MyNumberCard,
    NotMyNumberCard,
    PinBlocked,
    WrongPin,
)
from drivers.card.virtual.reader import VirtualReader

from .card_data import PIN, CardFactory


class Recorder:
    """Wraps a connection's transmit and records (command, sw)."""

    def __init__(self, conn) -> None:  # type: ignore[no-untyped-def]
        self.conn, self.log = conn, []
        self.atr = conn.atr

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        data, sw = self.conn.transmit(apdu)
        self.log.append((apdu.hex().upper(), sw))
        return data, sw


def _tries(path: Path, key: str) -> int:
    return json.loads(path.read_text(encoding="utf-8"))["keys"][key]["tries_left"]


def _cert(path: Path) -> x509.Certificate:
    pem = json.loads(path.read_text(encoding="utf-8"))["auth"]["cert_pem"]
    return x509.load_pem_x509_certificate(pem.encode())


def test_given_card_when_reading_auth_cert_then_minimum_apdus_and_exact_der(
        reader: VirtualReader, card_file: Path) -> None:
    expected = _cert(card_file)
    with reader.connect() as conn:
        rec = Recorder(conn)
        cert = MyNumberCard(rec).read_auth_certificate()
    assert cert.serial == 0x1A2B3C and cert.serial_hex == "1A2B3C"
    assert cert.not_after == expected.not_valid_after_utc
    assert cert.der == expected.public_bytes(Encoding.DER)
    reads = math.ceil(len(cert.der) / 256)
    assert [c for c, _ in rec.log[:4]] == [
        "00A4040C0AD392F000260100000001", "00A4020C020006", "00B0000020", "00A4020C02000A"]
    assert [c for c, _ in rec.log[4:]] == [
        f"00B0{i * 256:04X}{min(256, len(cert.der) - i * 256) & 0xFF:02X}" for i in range(reads)]
    assert len(rec.log) == 4 + reads and all(sw == 0x9000 for _, sw in rec.log)


def test_given_filler_after_certificate_when_reading_then_trimmed(make_card: CardFactory) -> None:
    path = make_card(quirks={"cert_filler": 300})
    with VirtualReader(path).connect() as conn:
        cert = MyNumberCard(conn).read_auth_certificate()
    assert cert.serial == _cert(path).serial_number


def test_given_t0_card_when_reading_then_61xx_followed_by_get_response(
        make_card: CardFactory) -> None:
    path = make_card(quirks={"t0_get_response": True})
    with VirtualReader(path).connect() as conn:
        rec = Recorder(conn)
        card = MyNumberCard(rec)
        cert = card.read_auth_certificate()
        signature = card.sign_with_auth_key(PIN, b"challenge")
    assert cert.serial == 0x1A2B3C and len(signature) == 256
    assert any(sw >> 8 == 0x61 for _, sw in rec.log)
    assert any(c.startswith("00C00000") for c, _ in rec.log)


@pytest.mark.parametrize("quirks,card,detail", [
    ({}, {"kind": "blank"}, "not found"),
    ({}, {"token_label": "JPKIAPICCTOKEN"}, "JPKIAPICCTOKEN"),
    ({}, {"token_label": "JPKIAPGPSETOKEN"}, "JPKIAPGPSETOKEN"),
])
def test_given_other_card_when_reading_then_not_a_my_number_card(
        make_card: CardFactory, quirks: dict, card: dict, detail: str) -> None:
    reader = VirtualReader(make_card(quirks=quirks, card=card))
    with reader.connect() as conn, pytest.raises(NotMyNumberCard) as err:
        MyNumberCard(conn).read_auth_certificate()
    assert detail in err.value.detail and "マイナンバーカードではありません" in err.value.message


def test_given_card_removed_mid_read_when_reading_then_card_removed(
        reader: VirtualReader) -> None:
    class Pulled:
        """Takes the card out of the reader just before the 5th APDU."""

        def __init__(self, conn) -> None:  # type: ignore[no-untyped-def]
            self.conn, self.atr, self.calls = conn, conn.atr, 0

        def transmit(self, apdu: bytes) -> tuple[bytes, int]:
            self.calls += 1
            if self.calls == 5:
                reader.remove()
            return self.conn.transmit(apdu)

    with reader.connect() as conn:
        pulled = Pulled(conn)
        with pytest.raises(CardRemoved) as err:
            MyNumberCard(pulled).read_auth_certificate()
    assert "外されました" in err.value.message and pulled.calls == 5


def test_given_pin_query_when_asked_then_no_try_spent(reader: VirtualReader,
                                                      card_file: Path) -> None:
    with reader.connect() as conn:
        card = MyNumberCard(conn)
        assert [card.auth_pin_tries_left() for _ in range(4)] == [3, 3, 3, 3]
    assert _tries(card_file, "auth_pin") == 3


def test_given_wrong_pins_when_verifying_then_counter_falls_blocks_and_persists(
        card_file: Path) -> None:
    reader = VirtualReader(card_file)
    with reader.connect() as conn:
        card = MyNumberCard(conn)
        for left in (2, 1):
            with pytest.raises(WrongPin) as err:
                card.verify_auth_pin("9999")
            assert err.value.tries_left == left and f"あと{left}回" in err.value.message
        with pytest.raises(PinBlocked) as blocked:
            card.verify_auth_pin("9999")
    assert "市区町村窓口" in blocked.value.message
    assert _tries(card_file, "auth_pin") == 0
    reader.insert(card_file)  # the same physical card again: still blocked, even the right PIN
    with reader.connect() as conn:
        rec = Recorder(conn)
        with pytest.raises(PinBlocked):
            MyNumberCard(rec).verify_auth_pin(PIN)
    assert rec.log[-1] == ("00200080", 0x63C0)  # refused after the query: no VERIFY sent


def test_given_blocked_key_when_verify_sent_anyway_then_6984_is_blocked(
        reader: VirtualReader, card_file: Path) -> None:
    data = json.loads(card_file.read_text(encoding="utf-8"))
    data["keys"]["auth_pin"]["tries_left"] = 0
    card_file.write_text(json.dumps(data), encoding="utf-8")
    reader.insert(card_file)
    with reader.connect() as conn:
        conn.transmit(bytes.fromhex("00A4040C0AD392F000260100000001"))
        conn.transmit(bytes.fromhex("00A4020C020018"))
        assert conn.transmit(bytes.fromhex("0020008004") + PIN.encode())[1] == 0x6984


def test_given_one_wrong_then_right_pin_when_verifying_then_counter_resets(
        reader: VirtualReader, card_file: Path) -> None:
    with reader.connect() as conn:
        card = MyNumberCard(conn)
        with pytest.raises(WrongPin):
            card.verify_auth_pin("0000")
        card.verify_auth_pin(PIN)
        assert card.auth_pin_tries_left() == 3
    assert _tries(card_file, "auth_pin") == 3


@pytest.mark.parametrize("bad", ["123", "12345", "12a4", "", "１２３４"])
def test_given_malformed_pin_when_verifying_then_japanese_error_and_nothing_sent(
        reader: VirtualReader, card_file: Path, bad: str) -> None:
    with reader.connect() as conn:
        rec = Recorder(conn)
        with pytest.raises(InvalidInput) as err:
            MyNumberCard(rec).verify_auth_pin(bad)
    assert err.value.message == "暗証番号は数字4桁で入力してください。"
    assert rec.log == [] and _tries(card_file, "auth_pin") == 3


def test_given_pin_when_signing_then_pkcs1_sha256_verifies_with_the_auth_cert(
        reader: VirtualReader, card_file: Path) -> None:
    with reader.connect() as conn:
        rec = Recorder(conn)
        signature = MyNumberCard(rec).sign_with_auth_key(PIN, b"mykey-login:nonce-42")
    _cert(card_file).public_key().verify(  # type: ignore[union-attr]
        signature, b"mykey-login:nonce-42", padding.PKCS1v15(), SHA256())
    assert rec.log[-1][0].startswith("802A008033") and rec.log[-1][0].endswith("00")


def test_given_wrong_pin_when_signing_then_no_signature(reader: VirtualReader) -> None:
    with reader.connect() as conn, pytest.raises(WrongPin):
        MyNumberCard(conn).sign_with_auth_key("4321", b"x")


def test_given_no_pin_when_sign_command_sent_then_security_status_6982(
        reader: VirtualReader) -> None:
    with reader.connect() as conn:
        conn.transmit(bytes.fromhex("00A4040C0AD392F000260100000001"))
        conn.transmit(bytes.fromhex("00A4020C020017"))
        digest_info = bytes.fromhex("3031300d060960864801650304020105000420") + bytes(32)
        assert conn.transmit(bytes.fromhex("802A008033") + digest_info + b"\0")[1] == 0x6982


def test_given_verified_pin_when_card_powered_down_then_verification_is_gone(
        reader: VirtualReader) -> None:
    with reader.connect() as conn:
        MyNumberCard(conn).verify_auth_pin(PIN)
    with reader.connect() as conn:
        conn.transmit(bytes.fromhex("00A4040C0AD392F000260100000001"))
        conn.transmit(bytes.fromhex("00A4020C020018"))
        assert conn.transmit(bytes.fromhex("00200080"))[1] == 0x63C3



def test_given_sequence_that_is_no_certificate_when_reading_then_protocol_error() -> None:
    from drivers.card import CardProtocolError

    from .test_apdu import Script
    label = b"JPKIAPICCTOKEN2".ljust(32, b" ")
    script = Script([(b"", 0x9000), (b"", 0x9000), (label, 0x9000), (b"", 0x9000),
                     (bytes.fromhex("3003020105") + b"\xff" * 20, 0x6282)])

    class Conn:
        atr = b""
        transmit = staticmethod(script)

    with pytest.raises(CardProtocolError) as err:
        MyNumberCard(Conn()).read_auth_certificate()  # type: ignore[arg-type]
    assert "カードとの通信に失敗しました" in err.value.message and len(script.sent) == 5
