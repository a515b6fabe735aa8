"""What every screen gets: the core's services, the job lanes, navigation and the terminal info."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from terminal_app.ui.worker import Jobs

log = logging.getLogger(__name__)


@dataclass
class UiContext:
    """Shared by the screens of one main window."""

    services: Any  # terminal_app.services.container.Services (Qt-free core)
    jobs: Jobs
    navigate: Callable[..., Any] = field(default=lambda name, **kw: None)
    terminal: Any = None  # the core's terminal info (GET /terminal), set after registration

    @property
    def terminal_id(self) -> str:
        return str(getattr(self.terminal, "terminal_id", "") or "")

    @property
    def permissions(self) -> frozenset[str]:
        return frozenset(getattr(self.terminal, "permissions", ()) or ())
