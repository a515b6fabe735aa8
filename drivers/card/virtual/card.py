"""A virtual My Number card answering the same APDUs as a real one (ISO 7816-4 short APDUs).

It holds the JPKI AP (token info, availability flags, certificates, private keys, PIN and
signature password with real retry counters) and the 券面事項入力補助 AP (基本4情報 behind the PIN
or 照合番号B). Counter changes are written back to the card file. Transport quirks (61xx, 6Cxx,
filler) come from the file's `quirks`. Used in-process and behind vpcd (see vpcd.py).
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.x509 import load_pem_x509_certificate

from drivers.card.basic_info import BasicInfo, encode_basic_info
from drivers.card.jpki import JPKI_AID, SHA256_DIGEST_INFO_PREFIX, TEXT_AID
from drivers.card.virtual.card_file import CardDocument, load_card, save_card

log = logging.getLogger(__name__)

ATR = bytes.fromhex("3BE000FF8131FE4514")
SW_OK, SW_EOF, SW_NO_EF, SW_SECURITY = 0x9000, 0x6282, 0x6986, 0x6982


@dataclass
class EF:
    """An elementary file: data readable after one of `read_keys`, or a key / private key."""

    data: bytes = b""
    read_keys: tuple[str, ...] = ()
    key: str | None = None
    key_pem: str | None = None
    _private_key: rsa.RSAPrivateKey | None = None

    @property
    def is_private_key(self) -> bool:
        """True for a private-key EF (usable only by the sign command)."""
        return self.key_pem is not None

    def private_key(self) -> rsa.RSAPrivateKey:
        """The RSA key, parsed on first use (parsing costs ~50 ms per key)."""
        if self._private_key is None:
            assert self.key_pem is not None
            self._private_key = _key(self.key_pem)
        return self._private_key


class VirtualCard:
    """The card's APDU engine. Thread-safe; `delay_ms` is added to every APDU."""

    def __init__(self, doc: CardDocument, path: Path | None = None, *,
                 delay_ms: float = 0.0) -> None:
        self.doc, self.path, self.delay_s = doc, path, delay_ms / 1000.0
        self.apdu_count = 0
        self._lock = threading.Lock()
        self._aps = _build_aps(doc)
        self._ap: bytes | None = None
        self._ef: EF | None = None
        self._verified: set[str] = set()
        self._pending = b""

    @classmethod
    def from_file(cls, path: Path, *, delay_ms: float = 0.0) -> VirtualCard:
        """Load a card file; counters are saved back to it."""
        return cls(load_card(path), Path(path), delay_ms=delay_ms)

    def power_on(self) -> bytes:
        """Cold reset: nothing selected, nothing verified. Returns the ATR."""
        with self._lock:
            self._ap, self._ef, self._pending = None, None, b""
            self._verified.clear()
        return ATR

    def power_off(self) -> None:
        """Power down: the verified state is gone."""
        self.power_on()

    def process(self, command: bytes) -> bytes:
        """Command APDU in, response APDU (data + SW1 SW2) out."""
        data, sw = self.transmit(command)
        return data + sw.to_bytes(2, "big")

    def transmit(self, command: bytes) -> tuple[bytes, int]:
        """Command APDU in, (data, SW) out."""
        if self.delay_s:
            time.sleep(self.delay_s)  # emulated card processing time
        with self._lock:
            self.apdu_count += 1
            try:
                data, sw = self._dispatch(command)
            except _Reply as reply:
                data, sw = b"", reply.sw
        return self._t0(data, sw, command)

    def _dispatch(self, c: bytes) -> tuple[bytes, int]:
        if len(c) < 4:
            raise _Reply(0x6700)
        handler = {(0x00, 0xA4): self._select, (0x00, 0xB0): self._read,
                   (0x00, 0x20): self._verify, (0x80, 0x2A): self._sign,
                   (0x00, 0xC0): self._get_response}.get((c[0], c[1]))
        if handler is None:
            raise _Reply(0x6E00 if c[0] not in (0x00, 0x80) else 0x6D00)
        return handler(c)

    def _select(self, c: bytes) -> tuple[bytes, int]:
        body = _body(c)
        if c[2] == 0x04:
            if body not in self._aps:
                raise _Reply(0x6A82)
            if body != self._ap:
                self._verified.clear()
            self._ap, self._ef = body, None
            return b"", SW_OK
        if c[2] == 0x02 and len(body) == 2 and self._ap is not None:
            self._ef = self._find_ef(int.from_bytes(body, "big"))
            return b"", SW_OK
        raise _Reply(0x6A86 if c[2] not in (0x02, 0x04) else 0x6A82)

    def _find_ef(self, ef_id: int) -> EF:
        ef = self._aps[self._ap].get(ef_id) if self._ap else None
        if ef is None:
            raise _Reply(0x6A82)
        return ef

    def _read(self, c: bytes) -> tuple[bytes, int]:
        if len(c) != 5:
            raise _Reply(0x6700)
        if c[2] & 0x80:
            self._ef = self._find_ef(c[2] & 0x1F)
            offset = c[3]
        else:
            offset = (c[2] << 8) | c[3]
        ef = self._current()
        if ef.key is not None or ef.is_private_key:
            raise _Reply(0x6981)
        if ef.read_keys and not self._verified.intersection(ef.read_keys):
            raise _Reply(SW_SECURITY)
        return self._slice(ef.data, offset, c[4] or 256)

    def _slice(self, data: bytes, offset: int, le: int) -> tuple[bytes, int]:
        if offset >= len(data):
            raise _Reply(0x6B00)
        left = len(data) - offset
        if le > left and self.doc.quirks.strict_le:
            raise _Reply(0x6C00 | left) if left < 256 else _Reply(0x6700)
        return data[offset:offset + le], (SW_EOF if le > left else SW_OK)

    def _current(self) -> EF:
        if self._ef is None:
            raise _Reply(SW_NO_EF)
        return self._ef

    def _verify(self, c: bytes) -> tuple[bytes, int]:
        if c[2] != 0x00 or not c[3] & 0x80:
            raise _Reply(0x6A86)
        ef = self._find_ef(c[3] & 0x1F) if c[3] & 0x1F else self._current()
        if ef.key is None or ef.key not in self.doc.keys:
            raise _Reply(SW_NO_EF if ef.key is None else 0x6A88)
        if c[3] & 0x1F:
            self._ef = ef
        state = self.doc.keys[ef.key]
        if len(c) == 4:
            if ef.key in self._verified:
                return b"", SW_OK
            return b"", 0x63C0 | state.tries_left
        return self._check_secret(ef.key, _body(c))

    def _check_secret(self, key: str, secret: bytes) -> tuple[bytes, int]:
        state = self.doc.keys[key]
        if state.tries_left == 0:
            raise _Reply(0x6984)
        if secret == state.value.encode("ascii"):
            self._verified.add(key)
            self._set_tries(key, state.max_tries)
            return b"", SW_OK
        self._verified.discard(key)
        self._set_tries(key, state.tries_left - 1)
        return b"", 0x63C0 | state.tries_left

    def _set_tries(self, key: str, tries: int) -> None:
        state = self.doc.keys[key]
        if state.tries_left != tries:
            state.tries_left = tries
            if self.path is not None:
                save_card(self.doc, self.path)

    def _sign(self, c: bytes) -> tuple[bytes, int]:
        if c[2:4] != b"\x00\x80":
            raise _Reply(0x6A86)
        ef = self._current()
        if not ef.is_private_key:
            raise _Reply(SW_NO_EF)
        if not self._verified.intersection(ef.read_keys):
            raise _Reply(SW_SECURITY)
        digest_info = _body(c)
        if len(digest_info) != 51 or not digest_info.startswith(SHA256_DIGEST_INFO_PREFIX):
            raise _Reply(0x6A80)
        digest = digest_info[len(SHA256_DIGEST_INFO_PREFIX):]
        signature = ef.private_key().sign(digest, padding.PKCS1v15(), Prehashed(SHA256()))
        return signature, SW_OK

    def _get_response(self, c: bytes) -> tuple[bytes, int]:
        if not self._pending:
            raise _Reply(0x6985)
        le = c[4] if len(c) == 5 and c[4] else 256
        data, self._pending = self._pending[:le], self._pending[le:]
        return data, (0x6100 | (len(self._pending) & 0xFF)) if self._pending else SW_OK

    def _t0(self, data: bytes, sw: int, command: bytes) -> tuple[bytes, int]:
        """T=0 style: announce response data with 61xx, deliver it by GET RESPONSE."""
        if not (self.doc.quirks.t0_get_response and data and command[1] != 0xC0):
            return data, sw
        with self._lock:
            self._pending = data
        return b"", 0x6100 | (len(data) & 0xFF)


class _Reply(Exception):
    """Abort a command with a status word."""

    def __init__(self, sw: int) -> None:
        super().__init__(f"{sw:04X}")
        self.sw = sw


def _body(c: bytes) -> bytes:
    """Command data of a case-3/4 short APDU."""
    if len(c) < 6 or len(c) < 5 + c[4]:
        raise _Reply(0x6700)
    return c[5:5 + c[4]]


def _build_aps(doc: CardDocument) -> dict[bytes, dict[int, EF]]:
    if doc.card.get("kind", "mynumber") != "mynumber":
        return {}
    return {JPKI_AID: _jpki_files(doc), TEXT_AID: _text_files(doc)}


def _jpki_files(doc: CardDocument) -> dict[int, EF]:
    label = doc.card.get("token_label", "JPKIAPICCTOKEN2").encode("ascii")
    token = label.ljust(32, b" ").ljust(160, b"\x00")
    filler = b"\xff" * doc.quirks.cert_filler
    files = {0x0006: EF(token), 0x0008: EF(bytes([0x8F if doc.sign else 0, 0x8F, 0]))}
    if doc.auth:
        files[0x000A] = EF(_der(doc.auth["cert_pem"]) + filler)
        files[0x000B] = EF(_der(doc.auth["ca_cert_pem"]) + filler)
        files[0x0017] = EF(read_keys=("auth_pin",), key_pem=doc.auth["key_pem"])
    files[0x0018] = EF(key="auth_pin")
    if doc.sign:
        files[0x0001] = EF(_der(doc.sign["cert_pem"]) + filler, read_keys=("sign_password",))
        files[0x0002] = EF(_der(doc.sign["ca_cert_pem"]) + filler)
        files[0x001A] = EF(read_keys=("sign_password",), key_pem=doc.sign["key_pem"])
        files[0x001B] = EF(key="sign_password")
    return files


def _text_files(doc: CardDocument) -> dict[int, EF]:
    h = doc.holder
    info = BasicInfo(h["name"], h["address"], date.fromisoformat(h["birth"]), h["sex"])
    raw = b"\x00" * doc.quirks.basic_info_leading + encode_basic_info(info)
    return {0x0002: EF(raw + b"\xff" * 16, read_keys=("text_pin", "collation_b")),
            0x0011: EF(key="text_pin"), 0x0012: EF(key="blocked"),
            0x0015: EF(key="collation_b")}


def _der(pem: str) -> bytes:
    return load_pem_x509_certificate(pem.encode()).public_bytes(serialization.Encoding.DER)


def _key(pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key
