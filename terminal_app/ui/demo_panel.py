"""The demo mode's side window: insert/remove the demo cards, the demo terminal IDs/passwords to
try, and the paper the emulated printer printed (as images)."""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from terminal_app.ui.screens.base import button, label
from terminal_app.ui.strings import tr

log = logging.getLogger(__name__)

PAPER_POLL_MS = 500
PAPER_WIDTH_PX = 340


class DemoPanel(QWidget):
    """A second window beside the app (the counter's card reader and printer, simulated).

    `world` is the demo's `DemoWorld`: its `terminals` and `cards` are listed here.
    """

    def __init__(self, world: Any, reader: Any, emulator: Any, window: Any) -> None:
        super().__init__()
        self.setWindowTitle(tr("demo.title"))
        self.resize(380, 760)
        self.reader, self.emulator, self.window_ = reader, emulator, window
        layout = QVBoxLayout(self)
        layout.addWidget(label(tr("demo.terminals"), "sectionTitle"))
        for terminal in world.terminals:
            layout.addWidget(label(tr("demo.terminal_row", id=terminal.terminal_id,
                                      password=terminal.password, text=terminal.description)))
        layout.addWidget(label(tr("demo.cards"), "sectionTitle"))
        self.reader_state = label("", "status")
        layout.addWidget(self.reader_state)
        for card in world.cards:
            layout.addWidget(self._insert_button(card))
        remove = button(tr("demo.remove"), name="demoRemove")
        remove.clicked.connect(self.remove_card)
        layout.addWidget(remove)
        layout.addWidget(label(tr("demo.papers"), "sectionTitle"))
        self.papers = QListWidget()
        self.papers.currentRowChanged.connect(self._show_paper)
        layout.addWidget(self.papers)
        self.paper_view = QLabel()
        self.paper_view.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        scroll = QScrollArea()
        scroll.setWidget(self.paper_view)
        scroll.setWidgetResizable(True)
        layout.addWidget(scroll, 2)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh_papers)
        self._timer.start(PAPER_POLL_MS)
        self._update_state(None)

    def _insert_button(self, card: Any) -> QPushButton:
        widget = button(tr("demo.insert", name=card.holder.name, mykey_id=card.holder.mykey_id,
                           pin=card.pin), name=f"demoInsert_{card.holder.mykey_id}")
        widget.clicked.connect(lambda _=False, c=card: self.insert_card(c))
        return widget

    def insert_card(self, card: Any) -> None:
        self.reader.insert(card.path)
        self._update_state(card)

    def remove_card(self) -> None:
        self.reader.remove()
        self._update_state(None)

    def _update_state(self, card: Any) -> None:
        self.reader_state.setText(tr("demo.inserted", name=card.holder.name) if card
                                  else tr("demo.empty"))

    def refresh_papers(self) -> None:
        papers = list(self.emulator.papers)
        for index in range(self.papers.count(), len(papers)):
            self.papers.addItem(QListWidgetItem(tr("demo.paper", n=index + 1)))
            self.papers.setCurrentRow(index)

    def _show_paper(self, index: int) -> None:
        papers = list(self.emulator.papers)
        if 0 <= index < len(papers):
            pixmap = QPixmap(str(papers[index].png_path))
            self.paper_view.setPixmap(pixmap.scaledToWidth(
                PAPER_WIDTH_PX, Qt.TransformationMode.SmoothTransformation))
