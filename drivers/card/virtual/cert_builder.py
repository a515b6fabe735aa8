"""X.509 building for the test JPKI CA: CA certificates, card certificates, CRLs.

Auth certificates carry no personal data (as on real cards: subject is an opaque CN);
signature certificates carry 氏名/生年月日/性別/住所 as subjectAltName otherNames with the
JPKI OIDs 1.2.392.200149.8.5.5.{1,3,4,5}. Validity ends on the holder's 5th birthday after
issue, like JPKI certificates.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID, ObjectIdentifier

log = logging.getLogger(__name__)

KEY_BITS = 2048
OID_NAME, OID_SEX = "1.2.392.200149.8.5.5.1", "1.2.392.200149.8.5.5.3"
OID_BIRTH, OID_ADDRESS = "1.2.392.200149.8.5.5.4", "1.2.392.200149.8.5.5.5"


@dataclass(frozen=True)
class Holder:
    """The card holder's 基本4情報."""

    name: str
    address: str
    birth: date
    sex: str

    def to_json(self) -> dict[str, str]:
        """JSON form used in card files."""
        return {"name": self.name, "address": self.address, "birth": self.birth.isoformat(),
                "sex": self.sex}

    @classmethod
    def from_json(cls, data: dict[str, str]) -> Holder:
        """Inverse of to_json."""
        return cls(data["name"], data["address"], date.fromisoformat(data["birth"]), data["sex"])


def new_key() -> rsa.RSAPrivateKey:
    """An RSA-2048 key, as on the card."""
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)


def build_ca(common_name: str, now: datetime) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A self-signed CA certificate valid 20 years."""
    key = new_key()
    name = _name("JPKI", common_name)
    cert = (_base(name, name, key.public_key(), secrets.randbits(63) + 1, now,
                  now + timedelta(days=365 * 20))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_usage(cert_sign=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .sign(key, hashes.SHA256()))
    return cert, key


def issue_auth_cert(ca_cert: x509.Certificate, ca_key: rsa.RSAPrivateKey, holder: Holder,
                    serial: int, now: datetime) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A 利用者証明用電子証明書 (digitalSignature only, no personal data)."""
    key = new_key()
    subject = _name("JPKI for user authentication", secrets.token_hex(10).upper())
    builder = _leaf(ca_cert, subject, key, serial, now, _fifth_birthday(holder.birth, now))
    cert = builder.add_extension(_usage(signature=True), critical=True).sign(ca_key,
                                                                             hashes.SHA256())
    return cert, key


def issue_sign_cert(ca_cert: x509.Certificate, ca_key: rsa.RSAPrivateKey, holder: Holder,
                    serial: int, now: datetime) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A 署名用電子証明書 with the 基本4情報 in subjectAltName."""
    key = new_key()
    subject = _name("JPKI for digital signature", secrets.token_hex(10).upper())
    san = x509.SubjectAlternativeName([
        _other(OID_NAME, holder.name), _other(OID_SEX, holder.sex),
        _other(OID_BIRTH, "1" + holder.birth.strftime("%Y%m%d")),
        _other(OID_ADDRESS, holder.address)])
    builder = _leaf(ca_cert, subject, key, serial, now, _fifth_birthday(holder.birth, now))
    cert = (builder.add_extension(_usage(non_repudiation=True), critical=True)
            .add_extension(san, critical=False).sign(ca_key, hashes.SHA256()))
    return cert, key


def build_crl(ca_cert: x509.Certificate, ca_key: rsa.RSAPrivateKey, serials: list[int],
              now: datetime) -> x509.CertificateRevocationList:
    """A CRL listing `serials`, next update in one day."""
    builder = (x509.CertificateRevocationListBuilder().issuer_name(ca_cert.subject)
               .last_update(now).next_update(now + timedelta(days=1)))
    for serial in sorted(serials):
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now).build())
    return builder.sign(ca_key, hashes.SHA256())


def _leaf(ca_cert: x509.Certificate, subject: x509.Name, key: rsa.RSAPrivateKey, serial: int,
          now: datetime, not_after: datetime) -> x509.CertificateBuilder:
    return (_base(ca_cert.subject, subject, key.public_key(), serial, now, not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_cert.public_key()), critical=False))  # type: ignore[arg-type]


def _base(issuer: x509.Name, subject: x509.Name, public_key: rsa.RSAPublicKey, serial: int,
          now: datetime, not_after: datetime) -> x509.CertificateBuilder:
    return (x509.CertificateBuilder().issuer_name(issuer).subject_name(subject)
            .public_key(public_key).serial_number(serial)
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(not_after))


def _name(unit: str, common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "JPKI"),
                      x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _usage(*, signature: bool = False, non_repudiation: bool = False,
           cert_sign: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(signature, non_repudiation, False, False, False, cert_sign, cert_sign,
                         False, False)


def _other(oid: str, value: str) -> x509.OtherName:
    raw = value.encode("utf-8")
    length = bytes([len(raw)]) if len(raw) < 0x80 else bytes([0x81, len(raw)])
    return x509.OtherName(ObjectIdentifier(oid), b"\x0c" + length + raw)


def _fifth_birthday(birth: date, now: datetime) -> datetime:
    """End of the holder's 5th birthday after `now` (JPKI certificate validity)."""
    today = now.date()
    first_year = today.year if _birthday_in(birth, today.year) > today else today.year + 1
    end = _birthday_in(birth, first_year + 4)
    return datetime.combine(end, time(14, 59, 59), tzinfo=UTC)  # 23:59:59 JST


def _birthday_in(birth: date, year: int) -> date:
    try:
        return birth.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 2, 28)
