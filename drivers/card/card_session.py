"""Building blocks shared by the JPKI and text APs: select, sized reads, the PIN flow.

`CardSession` keeps track of the selected application so that a sequence of operations on one
connection does not re-select needlessly (every APDU costs ~15 ms on a real card).
"""
from __future__ import annotations

import logging

from drivers.card import apdu
from drivers.card.apdu import ApduChannel, parse_tlv_header
from drivers.card.errors import (
    CardProtocolError,
    NotMyNumberCard,
    PinBlocked,
    WrongPin,
)

log = logging.getLogger(__name__)

BLOCKED_SWS = (apdu.SW_BLOCKED, apdu.SW_AUTH_BLOCKED, 0x63C0)
HEADER_SEARCH = 8  # how far into an EF a TLV object may start (reported leading bytes)


class CardSession:
    """APDU-level helpers over one connection."""

    def __init__(self, channel: ApduChannel) -> None:
        self.channel = channel
        self.current_ap: bytes | None = None

    def select_ap(self, aid: bytes) -> None:
        """Select an application by full AID; a missing AP means: not a My Number card."""
        if self.current_ap == aid:
            return
        _, sw = self.channel.send(apdu.select_aid(aid))
        if sw == apdu.SW_NOT_FOUND:
            self.current_ap = None
            raise NotMyNumberCard(f"AID {aid.hex()} not found")
        if sw != apdu.SW_OK:
            raise CardProtocolError(sw, f"SELECT AID {aid.hex()}")
        self.current_ap = aid

    def select_ef(self, ef: int) -> bool:
        """Select an EF of the current AP; False when the card has no such file."""
        _, sw = self.channel.send(apdu.select_ef(ef))
        if sw == apdu.SW_NOT_FOUND:
            return False
        if sw != apdu.SW_OK:
            raise CardProtocolError(sw, f"SELECT EF {ef:04X}")
        return True

    def read(self, offset: int, length: int) -> bytes:
        """READ BINARY; a short answer at end of file (6282) is fine, 6B00 gives b''."""
        data, sw = self.channel.send(apdu.read_binary(offset, length))
        if sw in (apdu.SW_OK, apdu.SW_EOF):
            return data
        if sw == apdu.SW_PAST_END:
            return b""
        raise CardProtocolError(sw, f"READ BINARY at {offset}")

    def read_object(self, *, tag: int, search: int = 0) -> bytes | None:
        """Read the TLV object with `tag` from the selected EF, trimmed exactly.

        The first chunk is 256 bytes; its header sizes the remaining reads. The object may
        start within the first `search` bytes (filler before it). None when absent.
        """
        first = self.read(0, apdu.MAX_CHUNK)
        start = _find_object(first, tag, search)
        if start is None:
            return None
        header = parse_tlv_header(first, start)
        buf = bytearray(first[start:header.end])
        while start + len(buf) < header.end:
            offset = start + len(buf)
            chunk = self.read(offset, min(apdu.MAX_CHUNK, header.end - offset))
            if not chunk:
                raise CardProtocolError(apdu.SW_PAST_END, "object longer than its EF")
            buf += chunk
        return bytes(buf)

    def tries_left(self, key_ef: int | None) -> int:
        """Query a key's retry counter without spending a try (-1: already verified).

        `key_ef` None means the key EF is already selected.
        """
        if key_ef is not None and not self.select_ef(key_ef):
            raise CardProtocolError(apdu.SW_NOT_FOUND, f"key EF {key_ef:04X}")
        _, sw = self.channel.send(apdu.verify(None))
        return _counter(sw, max_if_verified=True)

    def verify_key(self, key_ef: int | None, secret: str, what: str) -> None:
        """The PIN flow: query (refuse if blocked, no try spent), VERIFY, interpret."""
        if self.tries_left(key_ef) == 0:
            raise PinBlocked(what)
        _, sw = self.channel.send(apdu.verify(secret.encode("ascii")))
        if sw == apdu.SW_OK:
            return
        left = _counter(sw, max_if_verified=False)
        if left == 0:
            raise PinBlocked(what)
        raise WrongPin(left, what)


def _counter(sw: int, *, max_if_verified: bool) -> int:
    """Tries left from a VERIFY status word (9000 to a query: verified, counter reset)."""
    if sw in BLOCKED_SWS:
        return 0
    if sw & 0xFFF0 == 0x63C0:
        return sw & 0x0F
    if sw == apdu.SW_OK and max_if_verified:
        return -1
    raise CardProtocolError(sw, "VERIFY")


def _find_object(first: bytes, tag: int, search: int) -> int | None:
    tag_bytes = tag.to_bytes((tag.bit_length() + 7) // 8 or 1, "big")
    for start in range(min(search, len(first) - len(tag_bytes)) + 1):
        if first[start:start + len(tag_bytes)] == tag_bytes:
            return start
    return None
