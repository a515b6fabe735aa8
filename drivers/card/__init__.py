"""My Number card driver: reader backends (`pcsc`, `virtual`), the JPKI / text-AP protocol.

The virtual card, its test CA and the lab harness for real PC/SC tests live in `virtual/`.

    reader = open_reader("virtual:card.json")      # or "pcsc", "pcsc:<reader name>"
    with reader.connect() as conn:
        cert = MyNumberCard(conn).read_auth_certificate()
"""
from __future__ import annotations

from drivers.card.base import CardConnection, CardReader, ReaderStatus
from drivers.card.basic_info import BasicInfo, collation_number_b, japanese_era
from drivers.card.errors import (
    CardBusy,
    CardError,
    CardProtocolError,
    CardRemoved,
    InvalidInput,
    NoCard,
    NoReader,
    NotMyNumberCard,
    PinBlocked,
    ReaderUnavailable,
    WrongPin,
)
from drivers.card.jpki import AuthCertificate, MyNumberCard
from drivers.card.monitor import CardMonitor
from drivers.card.reader import open_reader

__all__ = [
    "AuthCertificate",
    "BasicInfo",
    "CardBusy",
    "CardConnection",
    "CardError",
    "CardMonitor",
    "CardProtocolError",
    "CardReader",
    "CardRemoved",
    "InvalidInput",
    "MyNumberCard",
    "NoCard",
    "NoReader",
    "NotMyNumberCard",
    "PinBlocked",
    "ReaderStatus",
    "ReaderUnavailable",
    "WrongPin",
    "collation_number_b",
    "japanese_era",
    "open_reader",
]
