"""Form rows as on the seed: label, 必須 mark, input, help text and an inline error under the field."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLineEdit, QSizePolicy, QWidget

from terminal_app.ui.strings import tr


def required_mark() -> QLabel:
    mark = QLabel(tr("common.required"))
    mark.setObjectName("required")
    mark.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return mark


def set_invalid(edit: QWidget, invalid: bool) -> None:
    """Mark an input red (style sheet property) or clear the mark."""
    edit.setProperty("invalid", "true" if invalid else "false")
    edit.style().unpolish(edit)
    edit.style().polish(edit)


class FormGrid(QWidget):
    """A grid of rows; each row keeps its error label so validation can write under the field."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(10)
        self._grid.setVerticalSpacing(2)
        self._grid.setColumnStretch(2, 1)
        self._errors: dict[str, QLabel] = {}
        self._inputs: dict[str, list[QWidget]] = {}
        self._row = 0

    def add_row(self, key: str, label: str, field: QWidget, *, required: bool = False,
                help_text: str = "", inputs: list[QWidget] | None = None) -> None:
        """Add `field` (an input or a layout holder) under `label`; `inputs` get the red mark."""
        self._grid.addWidget(QLabel(label), self._row, 0)
        if required:
            self._grid.addWidget(required_mark(), self._row, 1, Qt.AlignmentFlag.AlignVCenter)
        fixed = field.maximumWidth() < 10_000
        self._grid.addWidget(field, self._row, 2, Qt.AlignmentFlag.AlignLeft if fixed
                             else Qt.AlignmentFlag(0))
        error = QLabel("")
        error.setObjectName("fieldError")
        error.setWordWrap(True)
        error.setVisible(False)
        self._grid.addWidget(error, self._row + 1, 2)
        if help_text:
            hint = QLabel(help_text)
            hint.setObjectName("lead")
            hint.setWordWrap(True)
            hint.setStyleSheet("font-size: 12px; color: #5a6270;")
            self._grid.addWidget(hint, self._row + 2, 2)
        self._errors[key] = error
        self._inputs[key] = inputs if inputs is not None else [field]
        self._row += 3

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show each message under its field; clear the others."""
        for key, label in self._errors.items():
            message = errors.get(key, "")
            label.setText(message)
            label.setVisible(bool(message))
            for edit in self._inputs[key]:
                set_invalid(edit, bool(message))

    def error_text(self, key: str) -> str:
        return self._errors[key].text() if self._errors[key].isVisible() else ""


def line_edit(max_length: int = 0, *, hint: str = "", password: bool = False,
              name: str = "") -> QLineEdit:
    edit = QLineEdit()
    if max_length:
        edit.setMaxLength(max_length)
    if hint:
        edit.setPlaceholderText(hint)
    if password:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    if name:
        edit.setObjectName(name)
    return edit


def row(*widgets: QWidget, stretch: bool = True) -> QWidget:
    """Widgets side by side in one holder (e.g. the two postal code boxes and 検索)."""
    holder = QWidget()
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    if stretch:
        layout.addStretch(1)
    return holder
