"""What every screen gets: the core's services, the job lanes, navigation and the terminal info."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from terminal_app.ui.worker import Jobs

if TYPE_CHECKING:
    from terminal_app.domain.models import TerminalInfo
    from terminal_app.grant_support.services import GrantServices
    from terminal_app.services.container import Services

log = logging.getLogger(__name__)


@dataclass
class UiContext:
    """Shared by the screens of one main window."""

    services: Services  # the Qt-free core
    jobs: Jobs
    navigate: Callable[..., Any] = field(default=lambda name, **kw: None)
    terminal: TerminalInfo | None = None  # GET /terminal, set after registration
    grant_services: GrantServices | None = None  # made on the first grant screen

    @property
    def terminal_id(self) -> str:
        return self.terminal.terminal_id if self.terminal else ""

    @property
    def permissions(self) -> frozenset[str]:
        return frozenset(self.terminal.permissions) if self.terminal else frozenset()
