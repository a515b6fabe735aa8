"""GIVEN the test JPKI CA and the mykey-virtual-card CLI WHEN cards are issued, revoked and
re-issued THEN chains verify, CRLs list the serials and succession links are recorded."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import padding

from drivers.card import MyNumberCard
from drivers.card.virtual.ca import JpkiCA, load_ca
from drivers.card.virtual.card_file import load_card
from drivers.card.virtual.cli import main
from drivers.card.virtual.reader import VirtualReader

from .card_data import ADULT_SERIAL


def _verify_chain(cert: x509.Certificate, ca_cert: x509.Certificate) -> None:
    ca_cert.public_key().verify(  # type: ignore[union-attr]
        cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(),
        cert.signature_hash_algorithm)  # type: ignore[arg-type]


def test_given_issued_card_when_cert_read_then_chains_to_the_auth_ca(
        ca: JpkiCA, reader: VirtualReader) -> None:
    with reader.connect() as conn:
        der = MyNumberCard(conn).read_auth_certificate().der
    cert = x509.load_der_x509_certificate(der)
    _verify_chain(cert, ca.auth.cert)
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and not usage.content_commitment


def test_given_card_with_sign_cert_then_san_carries_the_basic_facts(
        ca: JpkiCA, card_file: Path) -> None:
    doc = load_card(card_file)
    assert doc.sign is not None
    cert = x509.load_pem_x509_certificate(doc.sign["cert_pem"].encode())
    _verify_chain(cert, ca.sign.cert)
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    values = {n.type_id.dotted_string: n.value for n in names if isinstance(n, x509.OtherName)}
    assert values["1.2.392.200149.8.5.5.1"] == b"\x0c\x0f" + "山田　太郎".encode()


def test_given_cli_when_ca_card_revoke_reissue_then_crl_and_succession(tmp_path: Path,
                                                                     capsys) -> None:  # type: ignore[no-untyped-def]
    ca_dir, card = tmp_path / "ca", tmp_path / "card.json"
    assert main(["ca", "new", str(ca_dir)]) == 0
    assert main(["new", "--ca", str(ca_dir), "--name", "鈴木　一郎", "--birth", "1990-04-01",
                 "--address", "福岡県福岡市中央区天神１－１", "--sex", "1", "--pin", "2468",
                 "--sign-password", "PASS2024", "--serial", "4660", str(card)]) == 0
    assert "発行番号 4660 (0x1234)" in capsys.readouterr().out
    assert main(["revoke", "--ca", str(ca_dir), "4660"]) == 0
    ca = load_ca(ca_dir)
    assert [r.serial_number for r in ca.crl("auth")] == [4660]
    ca.crl("auth").is_signature_valid(ca.auth.cert.public_key())  # type: ignore[arg-type]
    assert main(["reissue", "--ca", str(ca_dir), str(card)]) == 0
    with VirtualReader(card).connect() as conn:
        new_serial = MyNumberCard(conn).read_auth_certificate().serial
    assert ca.successions() == [(4660, new_serial)] and new_serial != 4660
    header = (ca_dir / "succession.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "old_serial,new_serial,linked_at"


def test_given_cli_new_without_sign_cert_then_card_has_none(ca: JpkiCA, tmp_path: Path) -> None:
    out = tmp_path / "kid.json"
    assert main(["new", "--ca", str(ca.directory), "--name", "子", "--birth", "2016-01-01",
                 "--address", "沖縄県那覇市", "--sex", "2", "--pin", "1111",
                 "--no-sign-cert", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["sign"] is None and "sign_password" not in doc["keys"]


@pytest.mark.parametrize("field,value,message", [
    ("--pin", "12", "暗証番号は数字4桁"), ("--sign-password", "abc", "署名用パスワード"),
    ("--sign-password", "ABCDEFG", "署名用パスワード"), ("--birth", "1990-13-01", "生年月日"),
    ("--sex", "5", "性別"),
])
def test_given_bad_cli_input_when_new_then_exit_2_japanese_and_no_file(
        ca: JpkiCA, tmp_path: Path, capsys, field: str, value: str, message: str) -> None:  # type: ignore[no-untyped-def]
    args = {"--name": "山田", "--birth": "1990-01-01", "--address": "東京都", "--sex": "1",
            "--pin": "1234", "--sign-password": "ABC123"}
    args[field] = value
    argv = ["new", "--ca", str(ca.directory)] + [x for kv in args.items() for x in kv]
    out = tmp_path / "never.json"
    assert main(argv + [str(out)]) == 2
    assert message in capsys.readouterr().err and not out.exists()


def test_given_session_card_then_serial_is_the_requested_one(card_file: Path) -> None:
    with VirtualReader(card_file).connect() as conn:
        assert MyNumberCard(conn).read_auth_certificate().serial == ADULT_SERIAL
