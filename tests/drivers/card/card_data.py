"""Known facts of the session's test cards (the values the fixtures issue them with)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from drivers.card.virtual.cert_builder import Holder

HOLDER = Holder("山田　太郎", "東京都千代田区千代田１－１", date(1980, 2, 17), "1")
MINOR = Holder("佐藤　花子", "大阪府大阪市北区梅田１－１－１", date(2015, 6, 1), "2")
PIN, PASSWORD, SECURITY_CODE, EXPIRY_YEAR = "1234", "ABC123", "2285", 2035
COLLATION_B = "55021720352285"
ADULT_SERIAL = 0x1A2B3C
CardFactory = Callable[..., Path]
