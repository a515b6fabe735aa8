"""The main window: one stacked screen at a time, navigation by screen name, the wedge filter,
the ヘルプ menu (バージョン情報, 診断情報の送信) and the update-required notice.

MYKEY_REPORT_SCREEN_FILE=<path>: when set, the name of every screen the window shows is appended
to that file, one per line (the frozen-bundle test and support scripts watch it).
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMainWindow, QStackedWidget, QWidget

from terminal_app.api.errors import VersionTooOld
from terminal_app.domain.errors import UserFacingError
from terminal_app.ui import about
from terminal_app.ui.context import UiContext
from terminal_app.ui.screens.base import Screen
from terminal_app.ui.screens.registry import screen_class
from terminal_app.ui.strings import APP_TITLE, tr
from terminal_app.ui.worker import Jobs

log = logging.getLogger(__name__)

DEFAULT_SIZE = (900, 650)
REPORT_SCREEN_ENV = "MYKEY_REPORT_SCREEN_FILE"


class WatchedJobs(Jobs):
    """Job lanes whose failures pass by `on_failure` first (the window's update notice)."""

    def __init__(self) -> None:
        super().__init__()
        self.on_failure: Callable[[BaseException], None] = lambda exc: None

    def run(self, lane: str, fn: Callable[[], Any], on_ok: Callable[[Any], None],
            on_error: Callable[[BaseException], None]) -> None:
        def failed(exc: BaseException) -> None:
            self.on_failure(exc)
            on_error(exc)

        super().run(lane, fn, on_ok, failed)


class MainWindow(QMainWindow):
    """Holds every screen (created on first visit) and switches between them."""

    def __init__(self, ctx: UiContext, version: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.version = version
        ctx.navigate = self.navigate
        if isinstance(ctx.jobs, WatchedJobs):
            ctx.jobs.on_failure = self.job_failed
        self.setWindowTitle(f"{APP_TITLE} {version}")
        self.resize(*DEFAULT_SIZE)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.screens: dict[str, Screen] = {}
        self.update_notice: Any = None
        self._report_file = os.environ.get(REPORT_SCREEN_ENV, "")
        self._help_menu()

    def _help_menu(self) -> None:
        menu = self.menuBar().addMenu(tr("help.menu"))
        menu.addAction(tr("about.action")).triggered.connect(self.show_about)
        menu.addAction(tr("diag.action")).triggered.connect(self.export_diagnostics)

    def screen_named(self, name: str) -> Screen:
        """The screen called `name`, created on first use."""
        if name not in self.screens:
            widget = screen_class(name)(self.ctx)
            self.screens[name] = widget
            self.stack.addWidget(widget)
        return self.screens[name]

    def navigate(self, name: str, **kwargs: Any) -> Screen:
        """Show screen `name`; `kwargs` go to its `on_enter`. A user-facing error raised while
        entering (e.g. no OS keyring at start-up) is shown on that screen, never a crash."""
        log.info("screen %s", name)
        widget = self.screen_named(name)
        self.stack.setCurrentWidget(widget)
        self._report_screen(name)
        try:
            widget.enter(**kwargs)
        except UserFacingError as exc:
            log.warning("screen %s could not start: %s", name, exc.code)
            widget.status.error(str(exc))
        return widget

    def _report_screen(self, name: str) -> None:
        if not self._report_file:
            return
        try:
            with Path(self._report_file).open("a", encoding="utf-8") as handle:
                handle.write(name + "\n")
        except OSError as exc:
            log.warning("%s not writable: %s", REPORT_SCREEN_ENV, exc)

    @property
    def current(self) -> Screen:
        widget = self.stack.currentWidget()
        assert isinstance(widget, Screen)
        return widget

    def job_failed(self, exc: BaseException) -> None:
        """Every background failure passes here first: 426 gets the update-required notice."""
        if isinstance(exc, VersionTooOld) and not (self.update_notice
                                                  and self.update_notice.isVisible()):
            self.update_notice = about.show_update_required(self, exc.min_version, self.version)

    def show_about(self) -> Any:
        return about.show_about(self, self.version)

    def export_diagnostics(self) -> None:
        about.export_diagnostics(self, self.version)

    def closeEvent(self, event: Any) -> None:
        self.ctx.jobs.wait_idle(5000)
        super().closeEvent(event)
