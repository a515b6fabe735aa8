"""`MyNumberCard`: the JPKI and 券面事項入力補助 protocols over any `CardConnection`.

APDU sequence for the MyKey-relevant read (auth certificate, no PIN), 4 + ceil(len/256) APDUs:
SELECT JPKI AP, SELECT 0006 + READ 32 (token label must be a physical card's), SELECT 000A,
READ 256-byte chunks sized from the certificate's DER header, trimmed exactly.
Verified PIN state is never reused across calls: each operation verifies what it needs and
the connection powers the card down when the caller leaves its `with` block.
"""
from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509

from drivers.card import apdu
from drivers.card.apdu import ApduChannel
from drivers.card.base import CardConnection
from drivers.card.basic_info import BasicInfo, parse_basic_info
from drivers.card.card_session import CardSession
from drivers.card.errors import CardProtocolError, InvalidInput, NotMyNumberCard
from drivers.card.messages import message

log = logging.getLogger(__name__)

JPKI_AID = bytes.fromhex("D392F000260100000001")
TEXT_AID = bytes.fromhex("D3921000310001010408")
CARD_TOKEN_LABEL = "JPKIAPICCTOKEN2"
EF_SIGN_CERT, EF_TOKEN, EF_AVAILABILITY, EF_AUTH_CERT = 0x0001, 0x0006, 0x0008, 0x000A
EF_AUTH_KEY, EF_AUTH_PIN, EF_SIGN_PASSWORD = 0x0017, 0x0018, 0x001B
EF_TEXT_PIN, EF_COLLATION_B, EF_BASIC_INFO = 0x0011, 0x0015, 0x0002
AUTH_PIN_MAX_TRIES = 3
SHA256_DIGEST_INFO_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")
TAG_SEQUENCE, TAG_BASIC_INFO = 0x30, 0xFF20

_PIN = re.compile(r"[0-9]{4}")
_PASSWORD = re.compile(r"[A-Z0-9]{6,16}")
_COLLATION_B = re.compile(r"[0-9]{14}")


@dataclass(frozen=True)
class AuthCertificate:
    """The 利用者証明用電子証明書 as read from the card."""

    der: bytes
    serial: int
    not_after: datetime

    @property
    def serial_hex(self) -> str:
        """Upper-case hex of the serial (発行番号), no prefix."""
        return format(self.serial, "X")

    @classmethod
    def from_der(cls, der: bytes) -> AuthCertificate:
        """Parse a trimmed DER certificate; CardProtocolError when it is not one."""
        cert = _load_cert(der)
        return cls(der, cert.serial_number, cert.not_valid_after_utc)


class MyNumberCard:
    """Protocol over a connection; cheap to build, one per `with reader.connect()` block."""

    def __init__(self, conn: CardConnection) -> None:
        self._session = CardSession(ApduChannel(conn.transmit))
        self._token_checked = False

    @property
    def apdu_count(self) -> int:
        """APDUs exchanged so far (including GET RESPONSE / 6Cxx resends)."""
        return self._session.channel.count

    def read_auth_certificate(self) -> AuthCertificate:
        """Read the user-authentication certificate (no PIN needed)."""
        self._select_jpki()
        if not self._session.select_ef(EF_AUTH_CERT):
            raise NotMyNumberCard("no auth certificate EF")
        der = self._session.read_object(tag=TAG_SEQUENCE)
        if der is None:
            raise CardProtocolError(apdu.SW_NOT_FOUND, message("no_certificate"))
        return AuthCertificate.from_der(der)

    def auth_pin_tries_left(self) -> int:
        """Tries left for the 4-digit auth PIN; no try is spent."""
        self._select_jpki()
        left = self._session.tries_left(EF_AUTH_PIN)
        return AUTH_PIN_MAX_TRIES if left < 0 else left

    def verify_auth_pin(self, pin: str) -> None:
        """VERIFY the auth PIN; raises WrongPin(tries_left) / PinBlocked / InvalidInput."""
        _check(_PIN, pin, "bad_pin_format")
        self._select_jpki()
        self._session.verify_key(EF_AUTH_PIN, pin, message("auth_pin"))

    def sign_with_auth_key(self, pin: str, message: bytes) -> bytes:
        """RSA PKCS#1 v1.5 signature over SHA-256(message) with the card's auth key."""
        self.verify_auth_pin(pin)
        if not self._session.select_ef(EF_AUTH_KEY):
            raise CardProtocolError(apdu.SW_NOT_FOUND, "auth key EF")
        digest_info = SHA256_DIGEST_INFO_PREFIX + hashlib.sha256(message).digest()
        return self._session.channel.expect_ok(apdu.jpki_sign(digest_info), "JPKI sign")

    def read_sign_certificate_serial(self, password: str) -> int | None:
        """Serial of the 署名用電子証明書 after its password; None when the card has none."""
        _check(_PASSWORD, password, "bad_password_format")
        self._select_jpki()
        if not self._sign_cert_may_exist() or not self._session.select_ef(EF_SIGN_PASSWORD):
            return None
        self._session.verify_key(None, password, message("sign_password"))
        if not self._session.select_ef(EF_SIGN_CERT):
            return None
        der = self._session.read_object(tag=TAG_SEQUENCE)
        return None if der is None else _load_cert(der).serial_number

    def read_basic_info(self, *, pin: str | None = None,
                        collation_b: str | None = None) -> BasicInfo:
        """基本4情報 from the text AP, opened by the 4-digit PIN or the 14-digit 照合番号B."""
        key_ef, secret, what = _text_credential(pin, collation_b)
        self._session.select_ap(TEXT_AID)
        self._session.verify_key(key_ef, secret, what)
        if not self._session.select_ef(EF_BASIC_INFO):
            raise CardProtocolError(apdu.SW_NOT_FOUND, "basic info EF")
        raw = self._session.read_object(tag=TAG_BASIC_INFO, search=8)
        if raw is None:
            raise CardProtocolError(apdu.SW_OK, "no FF20 object in basic info EF")
        return parse_basic_info(raw)

    def _select_jpki(self) -> None:
        self._session.select_ap(JPKI_AID)
        if self._token_checked:
            return
        if not self._session.select_ef(EF_TOKEN):
            raise NotMyNumberCard("no token info EF")
        label = self._session.read(0, 32).rstrip(b" \x00").decode("ascii", "replace")
        if label != CARD_TOKEN_LABEL:
            raise NotMyNumberCard(f"token label {label!r}")
        self._token_checked = True

    def _sign_cert_may_exist(self) -> bool:
        """EF 0008 byte 0 is 8F when a signature certificate exists (public, no try spent)."""
        if not self._session.select_ef(EF_AVAILABILITY):
            return True
        flags = self._session.read(0, 3)
        return bool(flags) and flags[0] == 0x8F


def _load_cert(der: bytes) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(der)
    except ValueError as exc:
        raise CardProtocolError(apdu.SW_OK, f"certificate not parseable: {exc}") from exc


def _check(pattern: re.Pattern[str], value: str, message_key: str) -> None:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise InvalidInput(message(message_key))


def _text_credential(pin: str | None, collation_b: str | None) -> tuple[int, str, str]:
    if (pin is None) == (collation_b is None):
        raise InvalidInput(message("bad_credential_choice"))
    if pin is not None:
        _check(_PIN, pin, "bad_pin_format")
        return EF_TEXT_PIN, pin, message("text_pin")
    assert collation_b is not None
    _check(_COLLATION_B, collation_b, "bad_collation_format")
    return EF_COLLATION_B, collation_b, message("collation_b")
