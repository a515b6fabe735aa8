"""GIVEN a virtual My Number card (real APDUs, the project's test JPKI CA) WHEN the card
services read it THEN results come back and every card failure reaches the clerk as a Japanese
DeviceError (no card, wrong PIN with tries left, blocked, not a My Number card, no reader)."""
from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from drivers.card.virtual.ca import JpkiCA, create_ca, issue_card
from drivers.card.virtual.card_file import load_card, save_card
from drivers.card.virtual.cert_builder import Holder
from drivers.card.virtual.reader import VirtualReader
from terminal_app.domain.errors import DeviceError, UserFacingError
from terminal_app.services.cards import CardService
from terminal_app.services.errors import classify


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> JpkiCA:
    return create_ca(tmp_path_factory.mktemp("ca"))


def card_file(ca: JpkiCA, tmp_path: Path, *, sign_password: str | None = "ABC123",
              kind: str = "mynumber") -> Path:
    doc = issue_card(ca, Holder("川崎　花子", "川崎市", date(1980, 2, 17), "2"), pin="1234",
                     sign_password=sign_password)
    doc.card["kind"] = kind
    path = tmp_path / "card.json"
    save_card(doc, path)
    return path


def service(reader: object) -> CardService:
    return CardService(session=None, reader_factory=lambda: reader)  # type: ignore[arg-type]


def test_certificate_and_progress(ca: JpkiCA, tmp_path: Path) -> None:
    steps: list[str] = []
    cert = service(VirtualReader(card_file(ca, tmp_path))).read_certificate(
        lambda text, fraction: steps.append(text))
    assert x509.load_der_x509_certificate(cert.der).serial_number == cert.serial
    assert steps[0].startswith("マイナンバーカードに接続")


def test_signature_certificate_serial_with_the_password(ca: JpkiCA, tmp_path: Path) -> None:
    path = card_file(ca, tmp_path)
    serial = service(VirtualReader(path)).sign_certificate_serial("abc123")
    expected = x509.load_pem_x509_certificate(load_card(path).sign["cert_pem"].encode())  # type: ignore[index]
    assert serial == format(expected.serial_number, "X")


def test_card_without_signature_certificate_gives_none(ca: JpkiCA, tmp_path: Path) -> None:
    assert service(VirtualReader(card_file(ca, tmp_path, sign_password=None))) \
        .sign_certificate_serial("ABC123") is None


def test_challenge_signed_with_the_auth_key(ca: JpkiCA, tmp_path: Path) -> None:
    der, signature = service(VirtualReader(card_file(ca, tmp_path))).sign_challenge(
        "1234", b"challenge-nonce")
    x509.load_der_x509_certificate(der).public_key().verify(  # type: ignore[union-attr,call-arg]
        signature, b"challenge-nonce", padding.PKCS1v15(), hashes.SHA256())  # type: ignore[arg-type]


def test_wrong_pin_tells_tries_left_then_blocks(ca: JpkiCA, tmp_path: Path) -> None:
    cards = service(VirtualReader(card_file(ca, tmp_path)))
    texts = []
    for _ in range(3):
        with pytest.raises(DeviceError) as info:
            cards.sign_challenge("9999", b"x")
        texts.append(str(info.value))
        assert info.value.device == "card"
    assert "2" in texts[0] and "1" in texts[1]
    with pytest.raises(DeviceError) as blocked:
        cards.sign_challenge("1234", b"x")
    assert "市区町村" in str(blocked.value)


def test_pin_format_is_checked_before_touching_the_card(ca: JpkiCA, tmp_path: Path) -> None:
    reader = VirtualReader(card_file(ca, tmp_path))
    with pytest.raises(UserFacingError, match="4桁"):
        service(reader).sign_challenge("12a4", b"x")
    assert reader.card is not None and reader.card.apdu_count == 0


def test_no_card_and_not_a_my_number_card(ca: JpkiCA, tmp_path: Path) -> None:
    with pytest.raises(DeviceError) as empty:
        service(VirtualReader()).read_certificate()
    assert classify(empty.value).kind == "user" and "カード" in str(empty.value)
    with pytest.raises(DeviceError) as other:
        service(VirtualReader(card_file(ca, tmp_path, kind="transit"))).read_certificate()
    assert "マイナンバーカード" in str(other.value)


def test_reader_service_missing_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PCSCLITE_CSOCK_NAME", "/nonexistent/pcscd.comm")
    from drivers.card.reader import open_reader

    with pytest.raises(DeviceError) as info:
        service(open_reader("pcsc")).read_certificate()
    assert info.value.device == "card" and info.value.message


def test_bugs_are_sorted_with_a_report_id() -> None:
    sorted_ = classify(KeyError("x"))
    assert sorted_.kind == "bug" and sorted_.report_id and sorted_.report_id in sorted_.message


def test_dataclass_results_are_immutable() -> None:
    from terminal_app.domain.models import Balance

    with pytest.raises(dataclasses.FrozenInstanceError):
        Balance("00000001", "municipal", "川崎市ポイント", 1730).balance = 0  # type: ignore[misc]


def test_cli_card_info_delegates_to_the_card_tool(ca: JpkiCA, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from terminal_app import cli

    path = card_file(ca, tmp_path)
    code = cli.main(["card-info", "--reader", f"virtual:{path}", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["ok"] is True
    expected = x509.load_pem_x509_certificate(load_card(path).auth["cert_pem"].encode())  # type: ignore[index]
    assert str(expected.serial_number) in json.dumps(out)
