"""Seed data for contract tests, shaped like the seed's 様式II examples: 川崎市 and its point,
two ID-granting businesses, one terminal per category, holders with real auth certificates."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from flask import Flask

from cloud_api.db import unit_of_work
from cloud_api.models.accounts import (
    Holder,
    HolderCertificate,
    IdBusiness,
    Municipality,
    MykeyIdRegistry,
    Point,
    Terminal,
)
from cloud_api.services.ledger.grant import grant
from cloud_api.services.passwords import hash_password
from cloud_api.services.points import ref_of
from drivers.card.virtual.card_file import CardDocument

# terminal_id -> (category, also_point_use, id_business, place, password)
TERMINALS: dict[str, tuple[str, bool, str | None, str, str]] = {
    "00052459": ("A", False, "000001", "高津図書館", "e912kfja"),
    "00052489": ("A", True, "000002", "〇〇果実店", "fruit123"),
    "00052559": ("I", False, None, "川崎市藤子・F・不二雄ミュージアム", "gja8zo9a"),
    "00053059": ("U", False, None, "XX商工会", "rnva8883"),
}
POINT_ID = "00000001"


def _session(app: Flask) -> Any:
    return unit_of_work(app.extensions["mykey"].sessions)


def base(app: Flask) -> None:
    with _session(app) as s:
        s.add(Municipality(code="141305", name="川崎市", prefecture="神奈川県"))
        s.flush()
        s.add(Point(id=1, kind="municipal", municipality_code="141305", name="川崎市ポイント",
                    validity_days=60))
        s.add(IdBusiness(id="000001", name="川崎市立図書館", municipality_code="141305",
                         lookup_mode="barcode", symbology="nw7"))
        s.add(IdBusiness(id="000002", name="ブレーメン商店街", municipality_code="141305",
                         lookup_mode="number", symbology="code128", is_shopping_street=True,
                         street_name="ブレーメン商店街"))
        s.flush()
        for tid, (category, also, business, place, password) in TERMINALS.items():
            s.add(Terminal(terminal_id=tid, municipality_code="141305", category=category,
                           also_point_use=also, id_business_id=business, place=place,
                           name=f"{place}1台目", password_hash=hash_password(password, n=2**10),
                           state="issued", failed_attempts=0))


def holder(app: Flask, mykey_id: str, doc: CardDocument, balance: int | None) -> None:
    """Register the card's holder under `mykey_id` and grant `balance` points."""
    assert doc.auth is not None
    cert = x509.load_pem_x509_certificate(doc.auth["cert_pem"].encode())
    now = datetime.now(UTC)
    c = app.extensions["mykey"]
    with _session(app) as s:
        s.add(MykeyIdRegistry(mykey_id=mykey_id, assigned_at=now))
        s.flush()
        h = Holder(mykey_id=mykey_id, state="active", created_at=now,
                   mypage_password_hash=hash_password("pass1234", n=2**10),
                   base_municipality_code="141305")
        s.add(h)
        s.flush()
        s.add(HolderCertificate(holder_id=h.id, kind="auth", serial=f"{cert.serial_number:X}",
                                not_after=cert.not_valid_after_utc, current=True,
                                registered_at=now))
        if balance:
            grant(s, clock=c.clock, point=ref_of(s.get(Point, 1)), holder_id=h.id,
                  amount=balance, scope="SYSTEM", terminal_id=None, memo="contract test")
