"""Wiring of the grant support services over the core's Services (one store per terminal home)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from terminal_app.grant_support.mobile import MobileGrantService
from terminal_app.grant_support.store import GrantStore
from terminal_app.grant_support.support import BusinessSupportService

if TYPE_CHECKING:
    from terminal_app.services.container import Services

log = logging.getLogger(__name__)

STORE_NAME = "grant_support.sqlite3"


@dataclass
class GrantServices:
    """The business-support PC's and the mobile grant device's use cases."""

    store: GrantStore
    support: BusinessSupportService
    mobile: MobileGrantService

    def close(self) -> None:
        self.store.close()


def build_grant_services(services: Services) -> GrantServices:
    """Grant services for the terminal of `services` (terminal_app.services.container)."""
    store = GrantStore(services.config.home / STORE_NAME)
    support = BusinessSupportService(services.session, services.cards, store)
    return GrantServices(store, support, MobileGrantService(support, services.cards, store))
