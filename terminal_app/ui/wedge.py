"""The Qt glue of the keyboard wedge: an application event filter feeding drivers' WedgeDetector.

QR/barcode scanners and shopping-card readers type fast bursts ending in Enter. Every key press
goes to the detector with the event's own timestamp; when a burst completes, the final Enter is
eaten and the data goes to `on_scan(text)` (the main window hands it to the current screen).
Human typing is never swallowed.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QWindow
from PySide6.QtWidgets import QApplication

from drivers.keyboard.wedge import WedgeConfig, WedgeDetector

log = logging.getLogger(__name__)

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class WedgeFilter(QObject):
    """Install with `app.installEventFilter(WedgeFilter(config, on_scan))`."""

    def __init__(self, config: WedgeConfig, on_scan: Callable[[str], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.detector = WedgeDetector(config)
        self._on_scan = on_scan

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if not self._is_primary_receiver(watched):
            return False
        t_s = event.timestamp() / 1000.0
        if event.key() in ENTER_KEYS:
            result = self.detector.feed_enter(t_s)
            if result is None:
                return False
            log.info("wedge scan of %d characters", len(result.data))
            self._on_scan(result.data)
            return True
        text = event.text()
        if text and text.isprintable():
            self.detector.feed(text, t_s)
        return False

    @staticmethod
    def _is_primary_receiver(watched: QObject) -> bool:
        """A key press is offered once per receiver (window, focus widget, its parents): count
        it once — at the focus widget, or at the window when nothing has focus."""
        focus = QApplication.focusWidget()
        if focus is not None:
            return watched is focus
        return isinstance(watched, QWindow)
