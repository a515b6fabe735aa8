"""The main window: one stacked screen at a time, navigation by screen name, the wedge filter."""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QMainWindow, QStackedWidget, QWidget

from terminal_app.ui.context import UiContext
from terminal_app.ui.screens.base import Screen
from terminal_app.ui.screens.registry import screen_class
from terminal_app.ui.strings import APP_TITLE

log = logging.getLogger(__name__)

DEFAULT_SIZE = (900, 650)


class MainWindow(QMainWindow):
    """Holds every screen (created on first visit) and switches between them."""

    def __init__(self, ctx: UiContext, version: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        ctx.navigate = self.navigate
        self.setWindowTitle(f"{APP_TITLE} {version}")
        self.resize(*DEFAULT_SIZE)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.screens: dict[str, Screen] = {}

    def screen_named(self, name: str) -> Screen:
        """The screen called `name`, created on first use."""
        if name not in self.screens:
            widget = screen_class(name)(self.ctx)
            self.screens[name] = widget
            self.stack.addWidget(widget)
        return self.screens[name]

    def navigate(self, name: str, **kwargs: Any) -> Screen:
        """Show screen `name`; `kwargs` go to its `on_enter`."""
        log.info("screen %s", name)
        widget = self.screen_named(name)
        self.stack.setCurrentWidget(widget)
        widget.enter(**kwargs)
        return widget

    @property
    def current(self) -> Screen:
        widget = self.stack.currentWidget()
        assert isinstance(widget, Screen)
        return widget

    def closeEvent(self, event: Any) -> None:
        self.ctx.jobs.wait_idle(5000)
        super().closeEvent(event)
