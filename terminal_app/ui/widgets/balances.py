"""The balances usable at this terminal (画面29/32/37): radio button, 区分, ポイント名, ポイント残高."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHeaderView,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from terminal_app.ui.strings import points, tr

KIND_KEYS = {"municipal": "bal.municipal", "event": "bal.event"}


class BalanceTable(QTableWidget):
    """One row per balance; exactly one row selected through its radio button."""

    selection_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 4, parent)
        self.setObjectName("balanceTable")
        self.setHorizontalHeaderLabels(["", tr("bal.kind"), tr("bal.name"), tr("bal.balance")])
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setMaximumHeight(130)
        self.group = QButtonGroup(self)
        self.group.idClicked.connect(lambda _: self.selection_changed.emit())
        self.balances: list[Any] = []

    def set_balances(self, balances: list[Any]) -> None:
        """Fill the table; the first row is pre-selected as on the seed."""
        for radio in self.group.buttons():
            self.group.removeButton(radio)
        self.balances = list(balances)
        self.setRowCount(len(self.balances))
        for index, balance in enumerate(self.balances):
            self._fill_row(index, balance)
        if self.balances:
            self.group.button(0).setChecked(True)
        self.selection_changed.emit()

    def _fill_row(self, index: int, balance: Any) -> None:
        radio = QRadioButton()
        radio.setObjectName(f"balanceRadio{index}")
        self.group.addButton(radio, index)
        self.setCellWidget(index, 0, radio)
        kind = tr(KIND_KEYS.get(str(balance.kind), "bal.municipal"))
        amount = QTableWidgetItem(points(int(balance.balance)))
        amount.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setItem(index, 1, QTableWidgetItem(kind))
        self.setItem(index, 2, QTableWidgetItem(str(balance.name)))
        self.setItem(index, 3, amount)

    def select(self, index: int) -> None:
        self.group.button(index).click()

    @property
    def selected(self) -> Any | None:
        index = self.group.checkedId()
        return self.balances[index] if 0 <= index < len(self.balances) else None

    def row_texts(self) -> list[list[str]]:
        """What the clerk reads, row by row (区分, ポイント名, ポイント残高)."""
        return [[self._text(r, c) for c in (1, 2, 3)] for r in range(self.rowCount())]

    def _text(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return item.text() if item is not None else ""
