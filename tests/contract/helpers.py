"""Shared steps of contract tests: a registered terminal of a given ID with a card on the reader."""
from __future__ import annotations

from typing import Any

from terminal_app.domain.contact import ContactForm
from terminal_app.domain.models import CardRead
from terminal_app.services.container import Services
from tests.contract.seed import TERMINALS


def registered(world: Any, terminal_id: str, name: str = "t1", **overrides: Any) -> Services:
    _, _, business, place, password = TERMINALS[terminal_id]
    services = world.services(name, **overrides)
    form = ContactForm(place, f"{place}1台目", "川崎太郎", "213", "0001",
                       "神奈川県川崎市高津区溝口1-1", "044-123-4567", "taro@example.jp",
                       "taro@example.jp", business)
    services.registration.register(terminal_id, password, form)
    return services


def with_card(world: Any, services: Services, mykey_id: str = "MY123456",
              balance: int = 1730) -> CardRead:
    world.insert(world.new_card(mykey_id, balance=balance))
    return services.cards.read()
