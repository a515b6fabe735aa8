"""画面71 付与事業対象者名簿取り込み入力: the template download and a branch's Excel file merged
into this office's roster (all rows or none; bad rows named by row number)."""
from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QLineEdit

from terminal_app.ui.context import UiContext
from terminal_app.ui.grant import files
from terminal_app.ui.grant.common import BusinessPicker, GrantScreen
from terminal_app.ui.grant.strings import tr
from terminal_app.ui.screens.base import button, label
from terminal_app.ui.widgets.form import FormGrid, row
from terminal_app.ui.widgets.info import InfoBlock

log = logging.getLogger(__name__)


class GrantImportScreen(GrantScreen):
    """Template download + file select + 登録."""

    screen_id = "g71"
    grant_title = "g71.title"

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.ask_save: Callable[[str], Path | None] = lambda name: files.ask_save_path(self, name)
        self.ask_open: Callable[[], Path | None] = lambda: files.ask_open_path(self)
        self.body.addWidget(label(tr("g71.template_note"), "lead"))
        self.info = InfoBlock()
        self.info.add("municipality", tr("g71.municipality"))
        self.info.add("points", tr("g73.per_person"))
        self.business = BusinessPicker()
        self.business.currentIndexChanged.connect(self._show_business)
        form = FormGrid()
        form.add_row("business", tr("grant.business"), self.business, required=True)
        self.body.addWidget(form)
        self.body.addWidget(self.info)
        self.template = button(tr("g71.template"), name="templateButton")
        self.template.clicked.connect(self.on_template)
        self.body.addWidget(row(self.template))
        self.body.addWidget(label(tr("g71.file_note"), "lead"))
        self.path = QLineEdit()
        self.path.setObjectName("pathEdit")
        self.path.setReadOnly(True)
        choose = button(tr("g71.choose"), name="chooseButton")
        choose.clicked.connect(self.on_choose)
        self.submit = button(tr("g71.submit"), primary=True, name="importButton")
        self.submit.clicked.connect(self.on_import)
        self.body.addWidget(row(self.path, choose))
        self.body.addWidget(row(self.submit))
        self.body.addStretch(1)
        self.lock_while_busy(self.template, choose, self.submit)

    def on_enter(self, **kwargs: Any) -> None:
        self.business.fill(self.grants.store.businesses())
        self.path.clear()
        self._show_business()

    def _show_business(self) -> None:
        self.info.set("municipality", self.grants.support.municipality_name)
        found = [b for b in self.grants.store.businesses()
                 if b.business_id == self.business.business_id]
        self.info.set("points", f"{found[0].points_per_grant:,} pt" if found else "")

    def on_template(self) -> None:
        business_id = self.business.business_id
        target = self.ask_save(f"取り込み入力用様式_{business_id}.xlsx")
        if target is None:
            return
        support = self.grants.support
        self.run("local", lambda: support.write_template(business_id, target),
                 lambda path: self.status.info(tr("g71.saved", name=path.name)))

    def on_choose(self) -> None:
        chosen = self.ask_open()
        if chosen is not None:
            self.path.setText(str(chosen))

    def on_import(self) -> None:
        if not self.path.text():
            self.status.error(tr("g71.no_file"))
            return
        support, business_id, path = self.grants.support, self.business.business_id, \
            Path(self.path.text())
        self.run("net", lambda: support.import_roster(business_id, path), self._imported)

    def _imported(self, result: tuple[int, bool]) -> None:
        from terminal_app.messages import message

        count, synced = result
        text = tr("g71.imported", count=count)
        self.status.info(text if synced else text + message("grant_roster_pending_sync"))
