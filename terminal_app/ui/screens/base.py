"""The frame every screen shares: title bar with 端末ID and メニューへ, a scrolling body, status strip."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from terminal_app.services.operations import PendingOperation
from terminal_app.ui.context import UiContext
from terminal_app.ui.errors import describe
from terminal_app.ui.strings import APP_TITLE, tr
from terminal_app.ui.widgets.status import StatusPanel

log = logging.getLogger(__name__)


def button(text: str, *, primary: bool = False, name: str = "") -> QPushButton:
    widget = QPushButton(text)
    widget.setProperty("primary", "true" if primary else "false")
    widget.setCursor(Qt.CursorShape.PointingHandCursor)
    if name:
        widget.setObjectName(name)
    return widget


def label(text: str, name: str = "", *, wrap: bool = True) -> QLabel:
    widget = QLabel(text)
    widget.setWordWrap(wrap)
    if name:
        widget.setObjectName(name)
    return widget


class Screen(QWidget):
    """Base of every 画面N. Subclasses fill `self.body` and call `self.run(...)` for slow work."""

    screen_id = ""
    title_key = ""
    menu_target: str | None = "menu"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._locked: list[QWidget] = []
        self.operation = PendingOperation()   # the same operation, the same Idempotency-Key
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._header())
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        self.body = QVBoxLayout(inner)
        self.body.setContentsMargins(24, 12, 24, 12)
        scroll.setWidget(inner)
        outer.addWidget(scroll, 1)
        self.status = StatusPanel()
        self.status.setContentsMargins(24, 0, 24, 0)
        outer.addWidget(self.status)

    def _header(self) -> QFrame:
        frame = QFrame()
        frame.setObjectName("header")
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(24, 8, 24, 8)
        top = QHBoxLayout()
        top.addWidget(label(APP_TITLE, "appTitle"), 1)
        self.menu_link = button(tr("nav.menu"), name="menuLink")
        self.menu_link.setProperty("link", "true")
        self.menu_link.clicked.connect(self.go_menu)
        self.menu_link.setVisible(self.menu_target is not None)
        top.addWidget(self.menu_link)
        layout.addLayout(top)
        bottom = QHBoxLayout()
        self.title_label = label(tr(self.title_key) if self.title_key else "", "screenTitle")
        bottom.addWidget(self.title_label, 1)
        self.terminal_label = label("", "terminalId", wrap=False)
        bottom.addWidget(self.terminal_label)
        layout.addLayout(bottom)
        return frame

    # navigation -----------------------------------------------------------------------------
    def enter(self, **kwargs: Any) -> None:
        """Called by the main window each time the screen is shown."""
        terminal_id = self.ctx.terminal_id
        self.terminal_label.setText(tr("header.terminal", terminal_id=terminal_id)
                                    if terminal_id else "")
        self.status.clear()
        self.on_enter(**kwargs)

    def on_enter(self, **kwargs: Any) -> None:
        """Override: reset or fill the screen for a new visit."""

    def go_menu(self) -> None:
        if self.menu_target and not self.ctx.jobs.busy:
            self.ctx.navigate(self.menu_target)

    # background work --------------------------------------------------------------------------
    def lock_while_busy(self, *widgets: QWidget) -> None:
        """Widgets disabled while a job of this screen runs (so a double click cannot repeat it)."""
        self._locked.extend(widgets)

    def run(self, lane: str, fn: Callable[[], Any], on_ok: Callable[[Any], None], *,
            working: str = "", on_error: Callable[[BaseException], bool] | None = None,
            retry: bool = True) -> None:
        """Run `fn` off the GUI thread; show progress; on failure show the text and 再試行.

        `retry=False` for calls that carry a PIN or password: repeating them would spend
        another try on the card, so the clerk types it again instead."""
        self.status.working(working)
        self._set_locked(True)

        def ok(result: Any) -> None:
            self._set_locked(False)
            self.status.clear()
            on_ok(result)

        def failed(exc: BaseException) -> None:
            self._set_locked(False)
            if on_error is not None and on_error(exc):
                return
            again = (lambda: self.run(lane, fn, on_ok, working=working, on_error=on_error)) \
                if retry else None
            self.show_error(exc, retry=again)

        self.ctx.jobs.run(lane, fn, ok, failed)

    # the same operation, the same Idempotency-Key ---------------------------------------------
    def operation_key(self, operation: tuple[Any, ...]) -> str:
        """The Idempotency-Key of `operation` (what the screen sends): the same until another
        operation or forget_operation(). Pressing the button again or 再試行 after a lost
        answer then re-sends the same request, which the outbox and the cloud answer with the
        first result instead of applying it twice (the rule: services.operations)."""
        return self.operation.key(operation)

    def forget_operation(self) -> None:
        """The operation is done: the next one, even an identical one, gets a key of its own."""
        self.operation.forget()

    def offer_recheck(self, exc: BaseException, again: Callable[[], None]) -> bool:
        """A lost answer: its message with 再確認 running `again`; False for other errors."""
        view = describe(exc)
        if view.kind != "unknown_outcome":
            return False
        self.status.error(view.text, retry=again, retry_label=tr("common.recheck"))
        return True

    def show_error(self, exc: BaseException, retry: Callable[[], None] | None = None) -> None:
        view = describe(exc)
        if view.kind == "cancelled":
            self.status.clear()
            return
        self.status.error(view.text, retry=retry)

    def _set_locked(self, locked: bool) -> None:
        for widget in self._locked:
            widget.setEnabled(not locked)
        self.menu_link.setEnabled(not locked)
