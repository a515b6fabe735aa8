"""Read-only key/value blocks (利用者情報, ポイント情報 …) and the large number display."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget


class InfoBlock(QFrame):
    """A titled card with label/value rows; values addressable by key for updates and tests."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 8, 12, 8)
        self.title = QLabel(title)
        self.title.setObjectName("sectionTitle")
        self.title.setVisible(bool(title))
        outer.addWidget(self.title)
        self._grid = QGridLayout()
        self._grid.setColumnStretch(1, 1)
        outer.addLayout(self._grid)
        self.values: dict[str, QLabel] = {}
        self._names: dict[str, QLabel] = {}

    def add(self, key: str, name: str, value: str = "", *, big: bool = False) -> QLabel:
        row = len(self.values)
        name_label = QLabel(name)
        value_label = QLabel(value)
        value_label.setObjectName("bigPoints" if big else f"value_{key}")
        value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._grid.addWidget(name_label, row, 0)
        self._grid.addWidget(value_label, row, 1)
        self.values[key] = value_label
        self._names[key] = name_label
        return value_label

    def set(self, key: str, value: str) -> None:
        self.values[key].setText(value)

    def show_row(self, key: str, shown: bool) -> None:
        self.values[key].setVisible(shown)
        self._names[key].setVisible(shown)

    def text(self, key: str) -> str:
        return self.values[key].text()
