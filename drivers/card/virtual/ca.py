"""The project's test JPKI CA: one CA for user-authentication certificates, one for signature
certificates, each with a CRL; it issues virtual My Number cards and re-issues them.

Directory layout (`create_ca(dir)`):
    auth-ca.pem / auth-ca-key.pem / auth-ca.crl.pem     user-authentication CA, its CRL
    sign-ca.pem / sign-ca-key.pem / sign-ca.crl.pem     signature CA, its CRL
    state.json        {"next_serial": int, "revoked": {"auth": [int], "sign": [int]}}
    succession.csv    old_serial,new_serial,linked_at  (J-LIS style re-issue link records)
Signatures:
    create_ca(directory: Path, *, name: str = "MyKey Test JPKI") -> JpkiCA
    load_ca(directory: Path) -> JpkiCA
    issue_card(ca: JpkiCA, holder: Holder, *, pin: str, sign_password: str | None,
               serial: int | None = None, card_expiry_year: int | None = None,
               security_code: str | None = None, now: datetime | None = None) -> CardDocument
    reissue_card(ca: JpkiCA, doc: CardDocument, *, serial: int | None = None,
                 now: datetime | None = None) -> tuple[int, int]   # (old, new) auth serial
Test material only: the CA keys are stored unencrypted.
"""
from __future__ import annotations

import csv
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from drivers.card.virtual.card_file import CardDocument, KeyState
from drivers.card.virtual.cert_builder import (
    Holder,
    build_ca,
    build_crl,
    issue_auth_cert,
    issue_sign_cert,
)

log = logging.getLogger(__name__)

KINDS = ("auth", "sign")
FIRST_SERIAL = 0x10000


@dataclass
class CaPair:
    """One CA's certificate and key."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey


@dataclass
class JpkiCA:
    """The test CA directory, loaded."""

    directory: Path
    auth: CaPair
    sign: CaPair

    def _state(self) -> dict:
        return json.loads((self.directory / "state.json").read_text(encoding="utf-8"))

    def _save_state(self, state: dict) -> None:
        (self.directory / "state.json").write_text(json.dumps(state), encoding="utf-8")

    def allocate_serial(self) -> int:
        """Next unused serial number (shared by both CAs)."""
        state = self._state()
        serial = state["next_serial"]
        state["next_serial"] = serial + 1
        self._save_state(state)
        return serial

    def revoked(self, kind: str = "auth") -> list[int]:
        """Serials on the `kind` CRL."""
        return list(self._state()["revoked"][kind])

    def revoke(self, serial: int, kind: str = "auth", now: datetime | None = None) -> None:
        """Add a serial to a CRL and re-sign it."""
        state = self._state()
        if serial not in state["revoked"][kind]:
            state["revoked"][kind].append(serial)
            self._save_state(state)
        self._write_crl(kind, state["revoked"][kind], now)

    def crl(self, kind: str = "auth") -> x509.CertificateRevocationList:
        """The current CRL of the `kind` CA."""
        return x509.load_pem_x509_crl((self.directory / f"{kind}-ca.crl.pem").read_bytes())

    def record_succession(self, old: int, new: int, now: datetime | None = None) -> None:
        """Append an old->new serial link record."""
        path = self.directory / "succession.csv"
        fresh = not path.exists()
        with path.open("a", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            if fresh:
                writer.writerow(["old_serial", "new_serial", "linked_at"])
            writer.writerow([old, new, (now or _now()).isoformat()])

    def successions(self) -> list[tuple[int, int]]:
        """All (old, new) serial links."""
        path = self.directory / "succession.csv"
        if not path.exists():
            return []
        with path.open(newline="", encoding="utf-8") as src:
            return [(int(r["old_serial"]), int(r["new_serial"])) for r in csv.DictReader(src)]

    def _write_crl(self, kind: str, serials: list[int], now: datetime | None) -> None:
        pair = getattr(self, kind)
        crl = build_crl(pair.cert, pair.key, serials, now or _now())
        (self.directory / f"{kind}-ca.crl.pem").write_bytes(
            crl.public_bytes(serialization.Encoding.PEM))


def create_ca(directory: Path, *, name: str = "MyKey Test JPKI") -> JpkiCA:
    """Generate both CAs with empty CRLs in `directory` (created if needed)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    now = _now()
    for kind, label in (("auth", "for user authentication"), ("sign", "for digital signature")):
        cert, key = build_ca(f"{name} CA {label}", now)
        (directory / f"{kind}-ca.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        (directory / f"{kind}-ca-key.pem").write_bytes(_key_pem(key))
    state = {"next_serial": FIRST_SERIAL + secrets.randbelow(0x1000) * 0x100,
             "revoked": {k: [] for k in KINDS}}
    (directory / "state.json").write_text(json.dumps(state), encoding="utf-8")
    ca = load_ca(directory)
    for kind in KINDS:
        ca._write_crl(kind, [], now)
    return ca


def load_ca(directory: Path) -> JpkiCA:
    """Load a CA directory made by create_ca."""
    directory = Path(directory)

    def pair(kind: str) -> CaPair:
        cert = x509.load_pem_x509_certificate((directory / f"{kind}-ca.pem").read_bytes())
        key = serialization.load_pem_private_key(
            (directory / f"{kind}-ca-key.pem").read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return CaPair(cert, key)

    return JpkiCA(directory, pair("auth"), pair("sign"))


def issue_card(ca: JpkiCA, holder: Holder, *, pin: str, sign_password: str | None,
               serial: int | None = None, card_expiry_year: int | None = None,
               security_code: str | None = None, now: datetime | None = None) -> CardDocument:
    """A new card for `holder`: auth cert (+ sign cert when a password is given)."""
    from drivers.card.basic_info import collation_number_b
    now = now or _now()
    expiry_year = card_expiry_year or now.year + 10
    code = security_code or f"{secrets.randbelow(10000):04d}"
    keys = {"auth_pin": KeyState(pin, 3, 3), "text_pin": KeyState(pin, 3, 3),
            "collation_b": KeyState(collation_number_b(holder.birth, expiry_year, code), 10, 10),
            "blocked": KeyState("", 0, 0)}
    doc = CardDocument(holder.to_json(), {"kind": "mynumber", "token_label": "JPKIAPICCTOKEN2",
                       "expiry_year": expiry_year, "security_code": code}, None, None, keys)
    _issue_certs(ca, doc, holder, serial, sign_password, now)
    return doc


def reissue_card(ca: JpkiCA, doc: CardDocument, *, serial: int | None = None,
                 now: datetime | None = None) -> tuple[int, int]:
    """New certificates (new keys) for the same holder; the old auth serial is revoked and the
    old->new link is recorded in succession.csv. Returns (old_serial, new_serial)."""
    assert doc.auth is not None
    old = x509.load_pem_x509_certificate(doc.auth["cert_pem"].encode()).serial_number
    password = doc.keys["sign_password"].value if "sign_password" in doc.keys else None
    now = now or _now()
    _issue_certs(ca, doc, Holder.from_json(doc.holder), serial, password, now)
    new = x509.load_pem_x509_certificate(doc.auth["cert_pem"].encode()).serial_number
    ca.revoke(old, "auth", now)
    ca.record_succession(old, new, now)
    for state in doc.keys.values():
        state.tries_left = state.max_tries
    return old, new


def _issue_certs(ca: JpkiCA, doc: CardDocument, holder: Holder, serial: int | None,
                 sign_password: str | None, now: datetime) -> None:
    auth_serial = serial if serial is not None else ca.allocate_serial()
    cert, key = issue_auth_cert(ca.auth.cert, ca.auth.key, holder, auth_serial, now)
    doc.auth = _pem_bundle(cert, key, ca.auth.cert)
    doc.sign = None
    doc.keys.pop("sign_password", None)
    if sign_password is not None:
        cert, key = issue_sign_cert(ca.sign.cert, ca.sign.key, holder, ca.allocate_serial(), now)
        doc.sign = _pem_bundle(cert, key, ca.sign.cert)
        doc.keys["sign_password"] = KeyState(sign_password, 5, 5)


def _pem_bundle(cert: x509.Certificate, key: rsa.RSAPrivateKey,
                ca_cert: x509.Certificate) -> dict[str, str]:
    pem = serialization.Encoding.PEM
    return {"cert_pem": cert.public_bytes(pem).decode(), "key_pem": _key_pem(key).decode(),
            "ca_cert_pem": ca_cert.public_bytes(pem).decode()}


def _key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


__all__ = ["CaPair", "Holder", "JpkiCA", "create_ca", "issue_card", "load_ca", "reissue_card"]
