"""Who is logged in to the web console, and which screens that party may use.

Three kinds of login (画面2): a municipality's staff (画面3 menu), a partner company (画面80:
応援ポイント移行集計 only) and a shop/museum terminal (画面28/87: its own 自治体ポイント集計 only).
The identity is a small frozen value kept in the signed session cookie.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

MUNICIPALITY, PARTNER, SHOP = "municipality", "partner", "shop"

# screen key -> the login kinds allowed to use it
SCREENS: dict[str, frozenset[str]] = {
    "point_setup": frozenset({MUNICIPALITY}),
    "event_setup": frozenset({MUNICIPALITY}),
    "contacts": frozenset({MUNICIPALITY}),
    "grant_business": frozenset({MUNICIPALITY}),
    "transfer_report": frozenset({MUNICIPALITY, PARTNER}),
    "place_report": frozenset({MUNICIPALITY, SHOP}),
    "staff_unlock": frozenset({MUNICIPALITY}),     # locked logins of the own municipality
}


@dataclass(frozen=True)
class ConsoleIdentity:
    """The logged-in party. `login_id` is a staff login ID or a terminal ID."""

    kind: str
    login_id: str
    display_name: str
    municipality_code: str | None = None
    municipality_name: str | None = None
    partner_name: str | None = None
    terminal_id: str | None = None
    place: str | None = None

    def may(self, screen: str) -> bool:
        return self.kind in SCREENS.get(screen, frozenset())

    def to_session(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_session(cls, data: dict[str, Any]) -> ConsoleIdentity:
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})  # type: ignore[arg-type]
