"""The status strip of every screen: progress while a job runs, then a plain message and a way on."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from terminal_app.ui.strings import tr


class StatusPanel(QWidget):
    """Shows `working(text)`, `info(text)` or `error(text, retry=…)`; hidden when idle."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.label = QLabel("")
        self.label.setWordWrap(True)
        self.label.setObjectName("status")
        self.retry_button = QPushButton(tr("common.retry"))
        self.retry_button.setObjectName("retryButton")
        self.retry_button.clicked.connect(self._on_retry)
        buttons = QHBoxLayout()
        buttons.addWidget(self.label, 1)
        buttons.addWidget(self.retry_button)
        layout.addWidget(self.bar)
        layout.addLayout(buttons)
        self._retry: Callable[[], None] | None = None
        self.clear()

    def clear(self) -> None:
        self.bar.setVisible(False)
        self.label.setText("")
        self.retry_button.setVisible(False)
        self._retry = None

    def working(self, text: str = "") -> None:
        self.clear()
        self.bar.setVisible(True)
        self._set_text(text or tr("common.working"), error=False)

    def info(self, text: str) -> None:
        self.clear()
        self._set_text(text, error=False)

    def error(self, text: str, retry: Callable[[], None] | None = None,
              retry_label: str = "") -> None:
        self.clear()
        self._set_text(text, error=True)
        self._retry = retry
        self.retry_button.setText(retry_label or tr("common.retry"))
        self.retry_button.setVisible(retry is not None)

    @property
    def text(self) -> str:
        return self.label.text()

    @property
    def is_working(self) -> bool:
        return self.bar.isVisible()

    def _set_text(self, text: str, *, error: bool) -> None:
        self.label.setObjectName("statusError" if error else "status")
        self.label.style().unpolish(self.label)
        self.label.style().polish(self.label)
        self.label.setText(text)

    def _on_retry(self) -> None:
        retry = self._retry
        self.clear()
        if retry is not None:
            retry()
