"""Checks of a card's JPKI user-authentication certificate against the configured trust store.

`settings.jpki_ca_dir` holds the trusted CA certificates and their CRLs (*.pem, *.crt, *.cer,
*.der, *.crl; a PEM file may mix certificates, CRLs and keys — keys are ignored). A certificate is accepted when a configured CA signed it, it is inside
its validity period, and it is not on that CA's CRL (the CRL's own signature is checked too).
A CA without any CRL in the folder is trusted without revocation checking and logged as such; a
CA whose CRLs in the folder all fail their signature check, or are all past their next update
(stale: what was revoked since is unknown), refuses every card (503), since a damaged, forged or
old CRL must not pass for "nothing revoked".
Only files are read: the cloud never depends on the card drivers.
"""
from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from cloud_api.clock import JST
from cloud_api.errors import ApiError

log = logging.getLogger(__name__)

SUFFIXES = {".pem", ".crt", ".cer", ".der", ".crl"}
# PEM files may hold certificates, CRLs and (ignored) keys, e.g. the test CA's folder.
PEM_BLOCK = re.compile(rb"(-----BEGIN ([A-Z0-9 ]+)-----.+?-----END \2-----)", re.DOTALL)


@dataclass(frozen=True)
class VerifiedCert:
    """What the platform keeps of a verified certificate (never the whole certificate)."""

    serial: str            # upper-case hex, no leading zeros (発行番号)
    not_after: datetime
    issuer: str
    issuer_key: str        # the issuing CA (issuer_key): a serial is unique only within it
    certificate: x509.Certificate = field(repr=False, compare=False)


@dataclass
class TrustStore:
    cas: list[x509.Certificate]
    crls: list[x509.CertificateRevocationList]

    @classmethod
    def load(cls, folder: Path | None) -> TrustStore:
        store = cls([], [])
        if folder is None or not folder.is_dir():
            return store
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in SUFFIXES:
                store._add(path.read_bytes(), path.name)
        return store

    def _add(self, data: bytes, name: str) -> None:
        if b"-----BEGIN" not in data:
            self._add_der(data, name)
            return
        for block, kind in PEM_BLOCK.findall(data):
            if kind == b"CERTIFICATE":
                self.cas.append(x509.load_pem_x509_certificate(block))
            elif kind == b"X509 CRL":
                self.crls.append(x509.load_pem_x509_crl(block))

    def _add_der(self, data: bytes, name: str) -> None:
        try:
            self.cas.append(x509.load_der_x509_certificate(data))
        except ValueError:
            try:
                self.crls.append(x509.load_der_x509_crl(data))
            except ValueError:
                log.warning("ignoring %s in the JPKI folder: neither certificate nor CRL", name)


_cache: dict[tuple[str, tuple[tuple[str, int], ...]], TrustStore] = {}


def trust_store(folder: Path | None) -> TrustStore:
    """The store of a folder, reloaded whenever a file in it changes (CRLs are replaced daily)."""
    if folder is None or not folder.is_dir():
        return TrustStore([], [])
    key = (str(folder), tuple((p.name, p.stat().st_mtime_ns) for p in sorted(folder.iterdir())))
    if key not in _cache:
        _cache.clear()
        _cache[key] = TrustStore.load(folder)
    return _cache[key]


def parse_certificate(der: bytes) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(der)
    except ValueError:
        raise ApiError("card_certificate_invalid", 422) from None


def verify_certificate(der: bytes, store: TrustStore, now: datetime) -> VerifiedCert:
    """Chain, validity and revocation; each failure is a distinct Japanese error."""
    cert = parse_certificate(der)
    if not _is_auth_certificate(cert):
        raise ApiError("card_certificate_invalid", 422)
    issuer = _issuer_of(cert, store)
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise ApiError("card_certificate_expired", 422)
    if _revoked(cert, issuer, store, now):
        log.info("revoked certificate presented (serial %X)", cert.serial_number)
        raise ApiError("card_certificate_revoked", 422)
    return VerifiedCert(f"{cert.serial_number:X}", cert.not_valid_after_utc.astimezone(JST),
                        cert.issuer.rfc4514_string(), issuer_key(issuer), cert)


def issuer_key(ca: x509.Certificate) -> str:
    """A CA as the platform records it: SHA-256 (hex) of its public key. The key, not the name:
    a CA renewed under the same name with a new key numbers its certificates anew."""
    spki = ca.public_key().public_bytes(serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(spki).hexdigest()


def _is_auth_certificate(cert: x509.Certificate) -> bool:
    """A 利用者証明用 certificate: digitalSignature, never nonRepudiation (the 署名用 one)."""
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return usage.digital_signature and not usage.content_commitment and not usage.key_cert_sign


def _issuer_of(cert: x509.Certificate, store: TrustStore) -> x509.Certificate:
    for ca in store.cas:
        try:
            cert.verify_directly_issued_by(ca)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return ca
    log.info("certificate from an unknown issuer: %s", cert.issuer.rfc4514_string())
    raise ApiError("card_certificate_invalid", 422)


def _revoked(cert: x509.Certificate, issuer: x509.Certificate, store: TrustStore,
             now: datetime) -> bool:
    named = [c for c in store.crls if c.issuer == issuer.subject]
    if not named:
        log.warning("no CRL configured for %s: revocation not checked",
                    issuer.subject.rfc4514_string())
        return False
    crls = [c for c in named if c.is_signature_valid(issuer.public_key())]  # type: ignore[arg-type]
    if not crls:   # a damaged or forged CRL must not pass for "nothing revoked"
        log.error("no CRL of %s has a valid signature: card reads refused",
                  issuer.subject.rfc4514_string())
        raise ApiError("card_revocation_unknown", 503)
    crls = [c for c in crls if c.next_update_utc is not None and now <= c.next_update_utc]
    if not crls:   # past its next update: revocations since then are unknown
        log.error("every CRL of %s is past its next update: card reads refused until a new "
                  "CRL is installed", issuer.subject.rfc4514_string())
        raise ApiError("card_revocation_unknown", 503)
    return any(c.get_revoked_certificate_by_serial_number(cert.serial_number) is not None
               for c in crls)
