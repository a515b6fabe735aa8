"""The first screen shown at every start: registered → fetch the terminal info → メニュー (画面22);
not registered → 画面9. An unreachable cloud gets a message and 再試行, never a frozen window."""
from __future__ import annotations

import logging
from typing import Any

from terminal_app.ui.context import UiContext
from terminal_app.ui.screens.base import Screen, label
from terminal_app.ui.strings import tr

log = logging.getLogger(__name__)


class StartScreen(Screen):
    """Decides where the clerk begins."""

    screen_id = "start"
    title_key = "start.title"
    menu_target = None

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.body.addWidget(label("", "lead"))
        self.body.addStretch(1)

    def on_enter(self, **kwargs: Any) -> None:
        registration = self.ctx.services.registration
        if not registration.is_registered():
            self.ctx.navigate("s09")
            return
        self.run("net", registration.terminal_info, self._loaded, working=tr("start.loading"),
                 on_error=self._unregistered)

    def _unregistered(self, exc: BaseException) -> bool:
        """The cloud does not know this machine's key: to 画面9, saying why."""
        if getattr(exc, "code", None) != "not_registered":
            return False
        screen = self.ctx.navigate("s09")
        screen.status.info(str(exc))
        return True

    def _loaded(self, info: Any) -> None:
        self.ctx.terminal = info
        menu = self.ctx.navigate("g68" if info.category == "E" else "menu")  # (エ): 画面68→70
        recheck = self.ctx.services.recheck
        self.ctx.jobs.run("net", recheck.resume_pending, lambda done: self._resumed(menu, done),
                          lambda exc: log.warning("pending requests not re-sent: %s", exc))

    @staticmethod
    def _resumed(menu: Any, done: list[Any]) -> None:
        """Requests an earlier run left unanswered were re-sent with their keys."""
        if done:
            menu.status.info(tr("start.resumed", count=len(done)))
