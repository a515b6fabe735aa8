"""Helpers of the accounts tests: problem+json access, DB snapshots, a test JPKI CA and cards."""
from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from flask import Flask
from sqlalchemy import inspect, select

from cloud_api import models
from drivers.card.virtual.ca import JpkiCA, create_ca, issue_card, reissue_card
from drivers.card.virtual.cert_builder import Holder as CardPerson


def problem(resp: Any) -> dict[str, Any]:
    """The problem+json body of an error response (asserting its media type)."""
    assert resp.mimetype == "application/problem+json", resp.get_data(as_text=True)
    return resp.get_json()  # type: ignore[no-any-return]


def snapshot(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: compare before/after to prove "nothing changed".

    terminal_nonces is left out: remembering a request's nonce is the one intended effect of any
    signed request, accepted or not (that is what makes a replay fail).
    """
    engine = app.extensions["mykey"].engine
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for name in inspect(engine).get_table_names():
            table = models.Base.metadata.tables.get(name)
            if table is not None and name != "terminal_nonces":
                out[name] = sorted(map(tuple, conn.execute(select(table))), key=repr)
    return out


@dataclass
class Card:
    """A virtual My Number card: its auth certificate (DER) and private key."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey
    doc: Any

    @property
    def der_b64(self) -> str:
        return base64.b64encode(self.cert.public_bytes(serialization.Encoding.DER)).decode()

    @property
    def serial(self) -> str:
        return f"{self.cert.serial_number:X}"

    def sign(self, challenge: str) -> str:
        raw = self.key.sign(challenge.encode(), padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(raw).decode()


def card_of(doc: Any) -> Card:
    cert = x509.load_pem_x509_certificate(doc.auth["cert_pem"].encode())
    key = serialization.load_pem_private_key(doc.auth["key_pem"].encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return Card(cert, key, doc)


PERSON = CardPerson("番号 花子", "神奈川県川崎市高津区溝口4-16-3", date(1980, 2, 17), "2")


def make_ca(folder: Path, name: str = "MyKey Test JPKI") -> JpkiCA:
    return create_ca(folder, name=name)


def new_card(ca: JpkiCA, now: datetime) -> Card:
    return card_of(issue_card(ca, PERSON, pin="1234", sign_password=None, now=now))


def reissue(ca: JpkiCA, card: Card, now: datetime) -> Card:
    reissue_card(ca, card.doc, now=now)
    return card_of(card.doc)
