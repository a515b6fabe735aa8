"""APDU building, the ISO 7816 transport conventions (61xx / 6Cxx) and BER-TLV headers.

`ApduChannel` wraps any `transmit(apdu) -> (data, sw)` callable: it follows `61xx` with
GET RESPONSE, resends a case-2 command once with the corrected Le on `6Cxx`, and counts the
APDUs really exchanged (the benchmark reports that figure).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from drivers.card.errors import CardProtocolError

log = logging.getLogger(__name__)

Transmit = Callable[[bytes], tuple[bytes, int]]

SW_OK = 0x9000
SW_EOF = 0x6282
SW_NOT_FOUND = 0x6A82
SW_SECURITY = 0x6982
SW_BLOCKED = 0x6984
SW_AUTH_BLOCKED = 0x6983
SW_PAST_END = 0x6B00
MAX_CHUNK = 256


def select_aid(aid: bytes) -> bytes:
    """SELECT by full DF name, no FCI wanted (P2 0C)."""
    return bytes([0x00, 0xA4, 0x04, 0x0C, len(aid)]) + aid


def select_ef(ef: int) -> bytes:
    """SELECT an elementary file by its 2-byte identifier within the current AP."""
    return bytes([0x00, 0xA4, 0x02, 0x0C, 0x02, ef >> 8, ef & 0xFF])


def read_binary(offset: int, length: int) -> bytes:
    """READ BINARY of 1..256 bytes at a 15-bit offset (Le 00 means 256)."""
    if not 0 <= offset <= 0x7FFF or not 1 <= length <= MAX_CHUNK:
        raise ValueError(f"READ BINARY out of range: offset={offset} length={length}")
    return bytes([0x00, 0xB0, offset >> 8, offset & 0xFF, length & 0xFF])


def verify(secret: bytes | None) -> bytes:
    """VERIFY the selected key EF; without a secret it only queries the retry counter."""
    if secret is None:
        return bytes([0x00, 0x20, 0x00, 0x80])
    return bytes([0x00, 0x20, 0x00, 0x80, len(secret)]) + secret


def jpki_sign(digest_info: bytes) -> bytes:
    """JPKI's proprietary COMPUTE DIGITAL SIGNATURE with the selected private-key EF."""
    return bytes([0x80, 0x2A, 0x00, 0x80, len(digest_info)]) + digest_info + b"\x00"


def get_response(length: int) -> bytes:
    """GET RESPONSE for the bytes announced by a 61xx status word."""
    return bytes([0x00, 0xC0, 0x00, 0x00, length & 0xFF])


class ApduChannel:
    """A transmit function plus the transport conventions; counts exchanged APDUs."""

    def __init__(self, transmit: Transmit) -> None:
        self._transmit = transmit
        self.count = 0

    def _raw(self, apdu: bytes) -> tuple[bytes, int]:
        self.count += 1
        data, sw = self._transmit(apdu)
        log.debug("APDU %s -> %04X (%d bytes)", apdu[:4].hex(), sw, len(data))
        return data, sw

    def send(self, apdu: bytes) -> tuple[bytes, int]:
        """Exchange one command, following 6Cxx once and 61xx as often as needed."""
        data, sw = self._raw(apdu)
        if sw >> 8 == 0x6C and len(apdu) in (5, _case4_len(apdu)):
            data, sw = self._raw(apdu[:-1] + bytes([sw & 0xFF]))
        while sw >> 8 == 0x61:
            more, sw = self._raw(get_response(sw & 0xFF))
            data += more
        return data, sw

    def expect_ok(self, apdu: bytes, what: str) -> bytes:
        """Send and insist on 9000."""
        data, sw = self.send(apdu)
        if sw != SW_OK:
            raise CardProtocolError(sw, what)
        return data


def _case4_len(apdu: bytes) -> int:
    """Length of `apdu` if it is a case-4 command (CLA INS P1 P2 Lc data Le), else -1."""
    if len(apdu) > 5 and len(apdu) == 6 + apdu[4]:
        return len(apdu)
    return -1


@dataclass(frozen=True)
class TlvHeader:
    """Tag, where the value starts and how long it is, counted from the buffer start."""

    tag: int
    value_start: int
    length: int

    @property
    def end(self) -> int:
        """Offset just past the value."""
        return self.value_start + self.length


def parse_tlv_header(buf: bytes, pos: int = 0) -> TlvHeader:
    """Parse a BER tag (multi-byte aware) and a short/long-form length at `pos`.

    Raises ValueError when the buffer is too short or the encoding is not BER.
    """
    tag, pos = _parse_tag(buf, pos)
    if pos >= len(buf):
        raise ValueError("TLV truncated before length")
    first = buf[pos]
    pos += 1
    if first < 0x80:
        return TlvHeader(tag, pos, first)
    count = first & 0x7F
    if count == 0 or count > 3 or pos + count > len(buf):
        raise ValueError("unsupported TLV length form")
    return TlvHeader(tag, pos + count, int.from_bytes(buf[pos:pos + count], "big"))


def _parse_tag(buf: bytes, pos: int) -> tuple[int, int]:
    if pos >= len(buf):
        raise ValueError("TLV truncated before tag")
    tag = buf[pos]
    pos += 1
    if tag & 0x1F == 0x1F:
        while True:
            if pos >= len(buf):
                raise ValueError("TLV tag truncated")
            tag = (tag << 8) | buf[pos]
            pos += 1
            if not buf[pos - 1] & 0x80:
                break
    return tag, pos
