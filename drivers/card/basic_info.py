"""基本4情報 (text AP EF 0002) parsing and the 照合番号B helper.

Layout: `FF 20 <len>` holding `DF 21` (offset table), `DF 22` 氏名, `DF 23` 住所,
`DF 24` 生年月日 (ASCII YYYYMMDD, Gregorian), `DF 25` 性別 (ASCII digit). Parsed by tag, never by
position; unknown tags and filler (FF / 00) are skipped.
照合番号B = birth date as 和暦 YYMMDD + card expiry year (Gregorian, 4 digits) + security code.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date

from drivers.card.apdu import parse_tlv_header
from drivers.card.errors import CardProtocolError, InvalidInput
from drivers.card.messages import message

log = logging.getLogger(__name__)

TAG_OUTER, TAG_NAME, TAG_ADDRESS, TAG_BIRTH, TAG_SEX = 0xFF20, 0xDF22, 0xDF23, 0xDF24, 0xDF25
FILLER = (0x00, 0xFF)
ERA_STARTS: tuple[tuple[str, date], ...] = (   # newest first
    ("令和", date(2019, 5, 1)), ("平成", date(1989, 1, 8)), ("昭和", date(1926, 12, 25)),
    ("大正", date(1912, 7, 30)), ("明治", date(1868, 1, 25)),
)


@dataclass(frozen=True)
class BasicInfo:
    """The four basic facts printed on the card (personal data: never log them)."""

    name: str
    address: str
    birth: date
    sex_code: str

    @property
    def sex_label(self) -> str:
        """男 / 女 / その他・不明 for display."""
        return {"1": message("sex_male"), "2": message("sex_female")}.get(self.sex_code,
                                                                    message("sex_other"))

    def __repr__(self) -> str:
        return "BasicInfo(<personal data>)"


def parse_basic_info(raw: bytes) -> BasicInfo:
    """Parse an `FF 20` object (trimmed or followed by filler)."""
    try:
        fields = _fields(raw)
        birth_text = fields[TAG_BIRTH].decode("ascii")
        birth = date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:8]))
        return BasicInfo(
            name=fields[TAG_NAME].decode("utf-8"),
            address=fields[TAG_ADDRESS].decode("utf-8"),
            birth=birth,
            sex_code=fields[TAG_SEX].decode("ascii"),
        )
    except (KeyError, ValueError, UnicodeDecodeError) as exc:
        raise CardProtocolError(0x9000, f"basic info not parseable: {type(exc).__name__}") from exc


def _fields(raw: bytes) -> dict[int, bytes]:
    outer = parse_tlv_header(raw, 0)
    if outer.tag != TAG_OUTER or outer.end > len(raw):
        raise ValueError("not an FF20 object")
    fields: dict[int, bytes] = {}
    pos = outer.value_start
    while pos < outer.end:
        if raw[pos] in FILLER:
            pos += 1
            continue
        item = parse_tlv_header(raw, pos)
        if item.end > outer.end:
            raise ValueError("field overruns FF20")
        fields.setdefault(item.tag, raw[item.value_start:item.end])
        pos = item.end
    return fields


def japanese_era(birth: date) -> tuple[str, int]:
    """(era name, era year) for a Gregorian date from 明治 on."""
    for name, start in ERA_STARTS:
        if birth >= start:
            return name, birth.year - start.year + 1
    raise InvalidInput(message("bad_birth_date"))


def collation_number_b(birth: date, card_expiry_year: int, security_code: str) -> str:
    """The 14-digit 照合番号B: 和暦 YYMMDD + card expiry year + 4-digit security code."""
    if not isinstance(birth, date):
        raise InvalidInput(message("bad_birth_date"))
    _, era_year = japanese_era(birth)
    if not 1000 <= card_expiry_year <= 9999:
        raise InvalidInput(message("bad_expiry_year"))
    if not re.fullmatch(r"[0-9]{4}", security_code or ""):
        raise InvalidInput(message("bad_security_code"))
    return f"{era_year:02d}{birth.month:02d}{birth.day:02d}{card_expiry_year:04d}{security_code}"


def encode_basic_info(info: BasicInfo) -> bytes:
    """The FF20 object a card holds for `info`, offset table included (virtual card, tests)."""
    values = [
        (TAG_NAME, info.name.encode("utf-8")), (TAG_ADDRESS, info.address.encode("utf-8")),
        (TAG_BIRTH, info.birth.strftime("%Y%m%d").encode("ascii")),
        (TAG_SEX, info.sex_code.encode("ascii")),
    ]
    parts = [_tlv(tag, value) for tag, value in values]
    table_len = len(_tlv(0xDF21, bytes(8)))
    body_len = table_len + sum(len(p) for p in parts)
    header_len = len(_tlv(TAG_OUTER, bytes(body_len))) - body_len
    offsets, pos = b"", header_len + table_len
    for part in parts:
        offsets += pos.to_bytes(2, "big")
        pos += len(part)
    return _tlv(TAG_OUTER, _tlv(0xDF21, offsets) + b"".join(parts))


def _tlv(tag: int, value: bytes) -> bytes:
    n = len(value)
    length = bytes([n]) if n < 0x80 else (
        bytes([0x81, n]) if n < 0x100 else bytes([0x82]) + n.to_bytes(2, "big"))
    return tag.to_bytes(2 if tag > 0xFF else 1, "big") + length + value
