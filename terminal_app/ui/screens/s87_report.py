"""画面87: 自治体ポイント集計 for this terminal's own place — period → count and points, the detail
rows, and 明細ダウンロード (CSV, UTF-8 with BOM, as the cloud streams it)."""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFileDialog,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
)

from terminal_app.domain.models import JST
from terminal_app.ui.context import UiContext
from terminal_app.ui.screens.base import Screen, button, label
from terminal_app.ui.strings import tr
from terminal_app.ui.widgets.form import FormGrid, row
from terminal_app.ui.widgets.info import InfoBlock

log = logging.getLogger(__name__)

COLUMNS = ("s87.col_time", "s87.place", "s87.col_mykey", "s87.col_points", "s87.col_txn")


def date_edit(name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy/MM/dd")
    return edit


class ReportScreen(Screen):
    """Aggregates the point uses at this place over a period (the cloud scopes it to the place)."""

    screen_id = "s87"
    title_key = "s87.title"
    menu_target = "points"

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.choose_path: Callable[[str], str] = self._ask_path
        self.body.addWidget(label(tr("s87.lead"), "lead"))
        self.start, self.end = date_edit("fromDate"), date_edit("toDate")
        self.form = FormGrid()
        self.form.add_row("period", tr("s87.period"), row(self.start, QLabel("～"), self.end),
                          required=True, inputs=[self.start, self.end])
        self.body.addWidget(self.form)
        self.run_button = button(tr("s87.run"), primary=True, name="runButton")
        self.run_button.clicked.connect(self.on_run)
        self.csv_button = button(tr("s87.csv"), name="csvButton")
        self.csv_button.clicked.connect(self.on_csv)
        self.body.addWidget(row(self.run_button, self.csv_button))
        self.summary = InfoBlock()
        for key in ("place", "count", "points"):
            self.summary.add(key, tr(f"s87.{key}"), big=key != "place")
        self.body.addWidget(self.summary)
        self.truncated = label("", "lead")
        self.body.addWidget(self.truncated)
        self.table = self._table()
        self.body.addWidget(self.table, 1)
        self.lock_while_busy(self.run_button, self.csv_button)

    @staticmethod
    def _table() -> QTableWidget:
        table = QTableWidget(0, len(COLUMNS))
        table.setObjectName("reportTable")
        table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setMinimumHeight(160)
        return table

    def on_enter(self, **kwargs: Any) -> None:
        today = datetime.now(JST).date()   # business days are Japanese days
        first = today.replace(day=1)
        self.start.setDate(QDate(first.year, first.month, first.day))
        self.end.setDate(QDate(today.year, today.month, today.day))
        self.summary.setVisible(False)
        self.truncated.setVisible(False)
        self.table.setRowCount(0)
        self.form.show_errors({})

    def period(self) -> tuple[date, date] | None:
        start, end = self.start.date().toPython(), self.end.date().toPython()
        assert isinstance(start, date) and isinstance(end, date)
        if start > end:
            self.form.show_errors({"period": tr("s87.bad_period")})
            return None
        self.form.show_errors({})
        return start, end

    def on_run(self) -> None:
        chosen = self.period()
        if chosen is None:
            return
        reports = self.ctx.services.reports
        self.run("net", lambda: reports.place(*chosen), self.show_report,
                 working=tr("s87.working"))

    def show_report(self, report: Any) -> None:
        self.summary.setVisible(True)
        self.summary.set("place", str(report.place))
        self.summary.set("count", f"{report.count:,}")
        self.summary.set("points", f"{report.points:,}")
        self.table.setRowCount(len(report.rows))
        for index, item in enumerate(report.rows):
            values = (item.executed_at.strftime("%Y/%m/%d %H:%M:%S"), item.place, item.mykey_id,
                      f"{item.amount:,}", item.txn_no)
            for column, value in enumerate(values):
                self.table.setItem(index, column, QTableWidgetItem(str(value)))
        self.truncated.setVisible(bool(report.truncated))
        self.truncated.setText(tr("s87.truncated", count=len(report.rows)))

    def _ask_path(self, default_name: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, tr("s87.save_title"), default_name,
                                              "CSV (*.csv)")
        return path

    def on_csv(self) -> None:
        chosen = self.period()
        if chosen is None:
            return
        start, end = chosen
        path = self.choose_path(f"report_{start:%Y%m%d}_{end:%Y%m%d}.csv")
        if not path:
            return
        reports = self.ctx.services.reports
        self.run("net", lambda: reports.save_csv(start, end, Path(path)),
                 lambda _: self.status.info(tr("s87.saved", path=path)),
                 working=tr("s87.saving"))

