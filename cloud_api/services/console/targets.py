"""The usable-terminal selection of an event (画面5-2): choices, parsing and labels.

A selection is a list of `Target`s, each carried between the 5-2 round trips as a short key
("municipality:141305", "category:141305:I", "id_business:000001", "terminal:00010005").
A prefecture may choose among its municipalities; a city only among its own.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cloud_api.models.accounts import CATEGORIES, EventTarget, IdBusiness, Municipality, Terminal
from cloud_api.services.validation import is_prefecture_code

CATEGORY_LABELS = {"A": "(ア)", "I": "(イ)", "U": "(ウ)", "E": "(エ)"}


@dataclass(frozen=True)
class Target:
    """One selection: all terminals of a municipality, of a category, of an ID business, or one."""

    scope: str
    municipality_code: str | None = None
    category: str | None = None
    id_business_id: str | None = None
    terminal_id: str | None = None

    @property
    def key(self) -> str:
        parts = {"municipality": [self.municipality_code],
                 "category": [self.municipality_code, self.category],
                 "id_business": [self.id_business_id], "terminal": [self.terminal_id]}[self.scope]
        return ":".join([self.scope, *[p or "" for p in parts]])

    def to_model(self, point_id: int) -> EventTarget:
        return EventTarget(point_id=point_id, scope=self.scope,
                           municipality_code=self.municipality_code, category=self.category,
                           id_business_id=self.id_business_id, terminal_id=self.terminal_id)


def selectable_towns(session: Session, own_code: str) -> list[Municipality]:
    """A prefecture selects among all its municipalities (itself included); a city only itself."""
    own = session.get(Municipality, own_code)
    if own is None:
        return []
    if not is_prefecture_code(own_code):
        return [own]
    return list(session.scalars(select(Municipality).where(Municipality.code.like(own_code[:2] + "%"))
                                .order_by(Municipality.code)))


def parse_key(session: Session, key: str, own_code: str) -> Target | None:
    """A key from the browser, accepted only if it points at something this login may choose."""
    towns = {t.code for t in selectable_towns(session, own_code)}
    scope, _, rest = key.partition(":")
    if scope == "municipality" and rest in towns:
        return Target(scope, municipality_code=rest)
    if scope == "category":
        code, _, category = rest.partition(":")
        return Target(scope, municipality_code=code, category=category) \
            if code in towns and category in CATEGORIES else None
    if scope == "id_business":
        business = session.get(IdBusiness, rest)
        return Target(scope, id_business_id=rest) if business and business.municipality_code in towns else None
    if scope == "terminal":
        terminal = session.get(Terminal, rest)
        return Target(scope, terminal_id=rest) if terminal and terminal.municipality_code in towns else None
    return None


def parse_keys(session: Session, keys: list[str], own_code: str) -> list[Target]:
    """Valid, de-duplicated targets in the order chosen."""
    out: dict[str, Target] = {}
    for key in keys:
        target = parse_key(session, key, own_code)
        if target is not None:
            out.setdefault(target.key, target)
    return list(out.values())


def from_models(rows: list[EventTarget]) -> list[Target]:
    return [Target(r.scope, r.municipality_code, r.category, r.id_business_id, r.terminal_id)
            for r in rows]


def label(session: Session, target: Target) -> str:
    """How 選択された設定 shows a target, e.g. 徳島市のすべての端末."""
    if target.scope == "terminal":
        t = session.get(Terminal, target.terminal_id)
        return f"端末 {target.terminal_id} {t.place if t else ''} {t.name if t else ''}".strip()
    if target.scope == "id_business":
        b = session.get(IdBusiness, target.id_business_id)
        return f"{b.name if b else target.id_business_id}のすべての端末"
    town = session.get(Municipality, target.municipality_code)
    name = town.name if town else target.municipality_code
    if target.scope == "category":
        return f"{name}の{CATEGORY_LABELS.get(target.category or '', '')}端末"
    return f"{name}のすべての端末"


def businesses(session: Session, codes: list[str]) -> list[IdBusiness]:
    return list(session.scalars(select(IdBusiness).where(IdBusiness.municipality_code.in_(codes))
                                .order_by(IdBusiness.id)))


def terminals_of(session: Session, code: str, category: str | None = None,
                 business_id: str | None = None) -> list[Terminal]:
    """Terminals of one municipality for the individual selection (端末の個別登録)."""
    query = select(Terminal).where(Terminal.municipality_code == code)
    if category:
        query = query.where(Terminal.category == category)
    if business_id:
        query = query.where(Terminal.id_business_id == business_id)
    return list(session.scalars(query.order_by(Terminal.terminal_id).limit(500)))
