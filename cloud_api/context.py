"""What every request of one app instance shares (`Cloud`), and how a view finds it.

The app factory (cloud_api/app.py) builds one Cloud per app; the API and console views import
this module, not the factory, so the package reads as a tree: app → api, web → context →
services → models.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from cloud_api.clock import Clock
from cloud_api.config import Settings
from cloud_api.services.cards import CardTokens
from cloud_api.services.ledger.usable import UsableCache
from cloud_api.services.terminal_auth import TerminalRows

EXTENSION = "mykey"


@dataclass
class Cloud:
    """The settings, database, clock and per-process caches of one app instance."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    card_tokens: CardTokens
    terminal_rows: TerminalRows = field(default_factory=TerminalRows)
    usable_points: UsableCache = field(default_factory=UsableCache)   # per terminal and day


def cloud() -> Cloud:
    """The container of the app handling the current request."""
    return current_app.extensions[EXTENSION]
