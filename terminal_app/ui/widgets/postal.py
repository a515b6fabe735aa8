"""郵便番号 as on 画面10: a 3-digit box, a hyphen, a 4-digit box and the 検索 button."""
from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from terminal_app.ui.strings import tr


class PostalCodeEdit(QWidget):
    """Two boxes that accept digits only; moves to the second box after 3 digits."""

    search_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.first = self._box(3, "postalFirst")
        self.second = self._box(4, "postalSecond")
        self.search = QPushButton(tr("s10.search"))
        self.search.setObjectName("postalSearch")
        self.search.clicked.connect(lambda: self.search_requested.emit(self.code))
        self.first.textEdited.connect(self._maybe_jump)
        for widget in (self.first, QLabel("-"), self.second, self.search):
            layout.addWidget(widget)
        layout.addStretch(1)

    @staticmethod
    def _box(digits: int, name: str) -> QLineEdit:
        box = QLineEdit()
        box.setObjectName(name)
        box.setMaxLength(digits)
        box.setFixedWidth(28 + 12 * digits)
        box.setValidator(QRegularExpressionValidator(QRegularExpression(rf"\d{{0,{digits}}}")))
        return box

    def _maybe_jump(self, text: str) -> None:
        if len(text) == 3:
            self.second.setFocus()

    @property
    def code(self) -> str:
        """The 7 digits without hyphen (shorter when incomplete)."""
        return self.first.text() + self.second.text()

    def set_code(self, code: str) -> None:
        digits = "".join(c for c in code if c.isdigit())
        self.first.setText(digits[:3])
        self.second.setText(digits[3:7])

    def inputs(self) -> list[QWidget]:
        return [self.first, self.second]
