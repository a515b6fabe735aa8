"""画面73 付与事業対象者表示: roster of a business with search (name, MyKey ID, birth date),
sort and paging; grant to the checked people (also without the card, after an identity check);
名簿ダウンロード to Excel for the main office."""
from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QHeaderView, QTableWidget, QTableWidgetItem

from terminal_app.domain.errors import FieldErrors
from terminal_app.grant_support.models import RosterPage, RosterRow, today_jst
from terminal_app.ui.context import UiContext
from terminal_app.ui.grant import files
from terminal_app.ui.grant.common import BusinessPicker, GrantScreen
from terminal_app.ui.grant.strings import tr
from terminal_app.ui.screens.base import button, label
from terminal_app.ui.widgets.form import FormGrid, line_edit, row

log = logging.getLogger(__name__)

COLUMNS = ("check", "name", "birth_date", "address", "sex", "mykey_id", "points")
SORTS = ("mykey_id", "name", "birth_date", "address", "sex")
PAGE_SIZE = 20


class GrantRosterScreen(GrantScreen):
    """The roster table and the grant."""

    screen_id = "g73"
    grant_title = "g73.title"

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.ask_save: Callable[[str], Path | None] = lambda name: files.ask_save_path(self, name)
        self.page_no = 1
        self.checked: set[str] = set()
        self.current: RosterPage | None = None
        self.body.addWidget(label(tr("g73.lead"), "lead"))
        self._build_filters()
        self.count_label = label("", "countLabel")
        self.body.addWidget(self.count_label)
        self.table = self._table()
        self.body.addWidget(self.table, 1)
        self._build_paging()
        self._build_grant()
        self.lock_while_busy(self.show_button, self.grant_button, self.download)

    def _build_filters(self) -> None:
        self.business = BusinessPicker()
        self.show_button = button(tr("g73.show"), primary=True, name="showButton")
        self.show_button.clicked.connect(lambda: self.refresh(1))
        self.query = line_edit(50, name="searchEdit")
        search = button(tr("g73.search"), name="searchButton")
        search.clicked.connect(lambda: self.refresh(1))
        self.query.returnPressed.connect(lambda: self.refresh(1))
        self.sort = QComboBox()
        for key in SORTS:
            self.sort.addItem(tr(f"g73.col.{key}"), key)
        self.descending = QCheckBox(tr("g73.descending"))
        self.sort.currentIndexChanged.connect(lambda: self.refresh(1))
        self.descending.toggled.connect(lambda: self.refresh(1))
        form = FormGrid()
        form.add_row("business", tr("grant.business"), row(self.business, self.show_button))
        form.add_row("search", tr("g73.search"), row(self.query, search),
                     help_text=tr("g73.search_help"))
        form.add_row("sort", tr("g73.sort"), row(self.sort, self.descending))
        self.body.addWidget(form)

    def _table(self) -> QTableWidget:
        table = QTableWidget(0, len(COLUMNS))
        table.setObjectName("rosterTable")
        table.setHorizontalHeaderLabels([tr(f"g73.col.{c}") for c in COLUMNS])
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.itemChanged.connect(self._check_changed)
        return table

    def _build_paging(self) -> None:
        self.prev_button = button(tr("g73.prev"), name="prevButton")
        self.next_button = button(tr("g73.next"), name="nextButton")
        self.page_label = label("", "pageLabel", wrap=False)
        self.prev_button.clicked.connect(lambda: self.refresh(self.page_no - 1))
        self.next_button.clicked.connect(lambda: self.refresh(self.page_no + 1))
        self.body.addWidget(row(self.prev_button, self.page_label, self.next_button))

    def _build_grant(self) -> None:
        self.grant_date = line_edit(10, name="grantDateEdit")
        self.grant_button = button(tr("g73.grant"), primary=True, name="grantButton")
        self.grant_button.clicked.connect(self.on_grant)
        self.download = button(tr("g73.download"), name="downloadButton")
        self.download.clicked.connect(self.on_download)
        form = FormGrid()
        form.add_row("grant_date", tr("g73.grant_date"), self.grant_date,
                     help_text=tr("g73.grant_date_help"))
        self.grant_form = form
        self.body.addWidget(form)
        self.body.addWidget(row(self.grant_button, self.download))

    # showing ------------------------------------------------------------------------------
    def on_enter(self, **kwargs: Any) -> None:
        self.business.fill(self.grants.store.businesses())
        self.grant_date.setText(today_jst().isoformat())
        self.checked.clear()
        self.refresh(1)

    def refresh(self, page_no: int) -> None:
        support = self.grants.support
        self.current = support.page(self.business.business_id, query=self.query.text(),
                                    sort=str(self.sort.currentData()),
                                    descending=self.descending.isChecked(), page=page_no,
                                    page_size=PAGE_SIZE)
        self.page_no = self.current.page
        self.count_label.setText(tr("g73.count", count=self.current.total))
        self.page_label.setText(tr("g73.page", page=self.current.page, pages=self.current.pages))
        self.prev_button.setEnabled(self.current.page > 1)
        self.next_button.setEnabled(self.current.page < self.current.pages)
        self._fill(self.current.rows)

    def _fill(self, rows: tuple[RosterRow, ...]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for index, entry in enumerate(rows):
            check = QTableWidgetItem()
            check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            check.setCheckState(Qt.CheckState.Checked if entry.mykey_id in self.checked
                                else Qt.CheckState.Unchecked)
            check.setData(Qt.ItemDataRole.UserRole, entry.mykey_id)
            self.table.setItem(index, 0, check)
            for column, text in enumerate(_cells(entry), start=1):
                self.table.setItem(index, column, QTableWidgetItem(text))
        self.table.blockSignals(False)

    def _check_changed(self, item: QTableWidgetItem) -> None:
        if item.column() != 0:
            return
        mykey_id = str(item.data(Qt.ItemDataRole.UserRole))
        if item.checkState() == Qt.CheckState.Checked:
            self.checked.add(mykey_id)
        else:
            self.checked.discard(mykey_id)

    def row_texts(self) -> list[list[str]]:
        return [[_text(self.table.item(r, c)) for c in range(1, len(COLUMNS))]
                for r in range(self.table.rowCount())]

    # actions --------------------------------------------------------------------------------
    def on_grant(self) -> None:
        support, business_id = self.grants.support, self.business.business_id
        chosen, grant_date = sorted(self.checked), self.grant_date.text()
        self.run("net", lambda: support.grant(business_id, chosen, grant_date), self._granted,
                 on_error=self._date_error)

    def _date_error(self, exc: BaseException) -> bool:
        if isinstance(exc, FieldErrors):
            self.grant_form.show_errors(exc.errors)
            self.status.error(exc.message)
            return True
        return False

    def _granted(self, outcomes: list[Any]) -> None:
        self.grant_form.show_errors({})
        done = [o for o in outcomes if o.done is not None]
        failed = [f"{o.mykey_id}（{o.error}）" for o in outcomes if o.done is None]
        self.checked.clear()
        self.refresh(self.page_no)
        if failed:
            self.status.error(tr("g73.granted", count=len(done)) + " "
                              + tr("g73.failed", items="、".join(failed)))
        else:
            self.status.info(tr("g73.granted", count=len(done)))

    def on_download(self) -> None:
        business_id = self.business.business_id
        target = self.ask_save(f"付与事業対象者名簿_{business_id}.xlsx")
        if target is None:
            return
        support = self.grants.support
        self.run("local", lambda: support.export_roster(business_id, target),
                 lambda path: self.status.info(tr("g73.saved", name=path.name)))


def _cells(entry: RosterRow) -> list[str]:
    p = entry.person
    birth = f"{p.birth_date.year}年{p.birth_date.month}月{p.birth_date.day}日" \
        if p.birth_date else ""
    return [p.name or "", birth, p.address or "", p.sex or "", entry.mykey_id,
            f"{entry.points:,}"]


def _text(item: QTableWidgetItem | None) -> str:
    return item.text() if item is not None else ""
