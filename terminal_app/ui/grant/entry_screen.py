"""画面72 付与事業対象者個別入力: 照合番号 → 券面読取, contact fields, マイキーID読取, 登録;
a MyKey ID already on the roster asks 上書き / 中止 inline."""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QWidget

from terminal_app.domain.errors import FieldErrors
from terminal_app.grant_support.support import DuplicateEntry
from terminal_app.ui.context import UiContext
from terminal_app.ui.grant.common import BusinessPicker, GrantScreen, PersonForm
from terminal_app.ui.grant.strings import tr
from terminal_app.ui.screens.base import button, label
from terminal_app.ui.widgets.form import FormGrid, line_edit, row

log = logging.getLogger(__name__)


class GrantEntryScreen(GrantScreen):
    """One person at the counter, with the card on the reader."""

    screen_id = "g72"
    grant_title = "g72.title"

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.body.addWidget(label(tr("g72.lead"), "lead"))
        self.business = BusinessPicker()
        self.collation = line_edit(14, name="collationEdit")
        self.read_face = button(tr("g72.read_face"), name="readFaceButton")
        self.top = FormGrid()
        self.top.add_row("business", tr("grant.business"), self.business, required=True)
        self.top.add_row("collation", tr("g72.collation"), row(self.collation, self.read_face),
                         help_text=tr("g72.collation_help"), inputs=[self.collation])
        self.body.addWidget(self.top)
        self.read_mykey = button(tr("g72.read_mykey"), name="readMykeyButton")
        self.person = PersonForm(self.read_mykey)
        self.body.addWidget(self.person)
        self.submit = button(tr("g72.submit"), primary=True, name="submitButton")
        self.submit.clicked.connect(lambda: self.on_submit(False))
        self.body.addWidget(row(self.submit))
        self.body.addWidget(self._duplicate_bar())
        self.body.addStretch(1)
        self.read_face.clicked.connect(self.on_read_face)
        self.read_mykey.clicked.connect(self.on_read_mykey)
        self.lock_while_busy(self.read_face, self.read_mykey, self.submit)

    def _duplicate_bar(self) -> QWidget:
        self.overwrite = button(tr("g72.overwrite"), primary=True, name="overwriteButton")
        self.cancel = button(tr("g72.cancel"), name="cancelButton")
        self.overwrite.clicked.connect(lambda: self.on_submit(True))
        self.cancel.clicked.connect(self.on_cancel)
        self.duplicate_bar = row(self.overwrite, self.cancel)
        self.duplicate_bar.setVisible(False)
        return self.duplicate_bar

    def on_enter(self, **kwargs: Any) -> None:
        self.business.fill(self.grants.store.businesses())
        self.person.use_fields(self.grants.support.fields)
        self.person.clear_all()
        self.collation.clear()
        self.top.show_errors({})
        self.duplicate_bar.setVisible(False)

    def on_read_face(self) -> None:
        support, number = self.grants.support, self.collation.text()
        self.top.show_errors({})
        # retry=False: each try of 照合番号B counts against the card's limit; the clerk types
        # it again instead of 再試行 sending the same number once more
        self.run("card", lambda: support.read_card_face(number), self.person.fill,
                 working=tr("g72.reading"), on_error=self._field_errors, retry=False)

    def on_read_mykey(self) -> None:
        support = self.grants.support
        self.run("card", support.read_mykey_id, self.person.mykey_edit.setText,
                 working=tr("g72.reading"))

    def on_submit(self, overwrite: bool) -> None:
        support, business_id = self.grants.support, self.business.business_id
        values = self.person.values()
        self.duplicate_bar.setVisible(False)
        self.person.show_errors({})
        self.run("net", lambda: support.register(business_id, values, overwrite=overwrite),
                 lambda synced: self._registered(values["mykey_id"], synced),
                 on_error=self._field_errors)

    def _field_errors(self, exc: BaseException) -> bool:
        if isinstance(exc, DuplicateEntry):
            self.status.error(exc.message)
            self.duplicate_bar.setVisible(True)
            return True
        if isinstance(exc, FieldErrors):
            if "collation" in exc.errors:
                self.top.show_errors(exc.errors)
            else:
                self.person.show_errors(exc.errors)
            self.status.error(exc.message)
            return True
        return False

    def _registered(self, mykey_id: str, synced: bool) -> None:
        self.person.clear_all()
        self.collation.clear()
        text = tr("g72.done", mykey_id=mykey_id.upper())
        if not synced:
            from terminal_app.messages import message

            text += message("grant_roster_pending_sync")
        self.status.info(text)

    def on_cancel(self) -> None:
        self.duplicate_bar.setVisible(False)
        self.status.info(tr("g72.cancelled"))
