"""画面78 ポイント付与対象者確認 (after an upload: who is not on the roster) and
画面79 付与事業対象者追加登録 (add that person to the roster and grant, once per card read)."""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QListWidget, QListWidgetItem

from terminal_app.domain.errors import FieldErrors
from terminal_app.grant_support.mobile import UploadSummary
from terminal_app.grant_support.models import OfflineRead
from terminal_app.ui.context import UiContext
from terminal_app.ui.grant.common import GrantScreen, PersonForm
from terminal_app.ui.grant.strings import tr
from terminal_app.ui.screens.base import button, label
from terminal_app.ui.widgets.form import FormGrid, line_edit, row
from terminal_app.ui.widgets.info import InfoBlock

log = logging.getLogger(__name__)


class UnlistedScreen(GrantScreen):
    """画面78: uploads the reads when asked (after 画面75), then lists MyKey IDs not on the roster."""

    screen_id = "g78"
    grant_title = "g78.title"
    menu_target = "g74"

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.business_id = ""
        self.body.addWidget(label(tr("g78.lead"), "lead"))
        self.body.addWidget(label(tr("g78.list"), "lead"))
        self.listing = QListWidget()
        self.listing.setObjectName("unlistedList")
        self.body.addWidget(self.listing, 1)
        self.body.addWidget(label(tr("g78.already"), "lead"))
        self.already = QListWidget()
        self.already.setObjectName("alreadyList")
        self.body.addWidget(self.already)
        self.add_button = button(tr("g78.add"), primary=True, name="addButton")
        self.add_button.clicked.connect(self.on_add)
        self.body.addWidget(row(self.add_button))
        self.lock_while_busy(self.add_button)

    def on_enter(self, **kwargs: Any) -> None:
        self.business_id = str(kwargs.get("business_id", self.business_id))
        if kwargs.get("upload"):
            mobile, business_id = self.grants.mobile, self.business_id
            self.run("net", lambda: mobile.upload(business_id), self._uploaded,
                     working=tr("g77.uploading"))
        else:
            self._list(self.grants.mobile.summary(self.business_id))

    def _uploaded(self, summary: UploadSummary) -> None:
        self._list(summary)   # upload() read it after its last chunk was decided
        key = "g77.uploaded_already" if summary.already else "g77.uploaded"
        self.status.info(tr(key, granted=summary.granted, no_mykey=summary.no_mykey_id,
                             already=len(summary.already)))

    def _list(self, summary: UploadSummary) -> None:
        self.listing.clear()
        self.already.clear()
        for done in summary.already:
            self.already.addItem(tr("g78.already_item", mykey_id=done.mykey_id,
                                     grant_date=done.grant_date, txn_no=done.txn_no or "—"))
        for read in summary.unlisted:
            item = QListWidgetItem(str(read.mykey_id))
            item.setData(256, read)
            self.listing.addItem(item)
        self.add_button.setEnabled(self.listing.count() > 0)
        if not self.listing.count():
            self.status.info(tr("g78.none"))

    def texts(self) -> list[str]:
        return [self.listing.item(i).text() for i in range(self.listing.count())]

    def already_texts(self) -> list[str]:
        return [self.already.item(i).text() for i in range(self.already.count())]

    def on_add(self) -> None:
        item = self.listing.currentItem() or self.listing.item(0)
        if item is not None:
            self.ctx.navigate("g79", read=item.data(256))


class AddRegisterScreen(GrantScreen):
    """画面79: the person's details (card face or 対象者マスタ), 登録・ポイント付与."""

    screen_id = "g79"
    grant_title = "g79.title"
    menu_target = "g74"

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.read: OfflineRead | None = None
        self.body.addWidget(label(tr("g79.lead"), "lead"))
        self.info = InfoBlock()
        self.info.add("business", tr("grant.business"))
        self.body.addWidget(self.info)
        self.collation = line_edit(14, name="collationEdit")
        self.read_face = button(tr("g72.read_face"), name="readFaceButton")
        self.top = FormGrid()
        self.top.add_row("collation", tr("g72.collation"), row(self.collation, self.read_face),
                         help_text=tr("g72.collation_help"), inputs=[self.collation])
        self.body.addWidget(self.top)
        self.from_master = button(tr("g79.from_master"), name="fromMasterButton")
        self.person = PersonForm(self.from_master)
        self.body.addWidget(self.person)
        self.submit = button(tr("g79.submit"), primary=True, name="submitButton")
        self.body.addWidget(row(self.submit))
        self.body.addStretch(1)
        self.read_face.clicked.connect(self.on_read_face)
        self.from_master.clicked.connect(self.on_from_master)
        self.submit.clicked.connect(self.on_submit)
        self.lock_while_busy(self.read_face, self.from_master, self.submit)

    def on_enter(self, **kwargs: Any) -> None:
        self.read = kwargs.get("read", self.read)
        self.person.use_fields(self.grants.support.fields)
        self.person.clear_all()
        self.collation.clear()
        if self.read is not None:
            business = self.grants.support.business(self.read.business_id)
            self.info.set("business", business.name)
            self.person.mykey_edit.setText(str(self.read.mykey_id))

    def on_read_face(self) -> None:
        support, number = self.grants.support, self.collation.text()
        self.run("card", lambda: support.read_card_face(number), self.person.fill,
                 on_error=self._field_errors, retry=False)   # 照合番号B: each try counts

    def on_from_master(self) -> None:
        if self.read is not None:
            self.person.fill_text(self.grants.mobile.person_from_master(self.read))

    def on_submit(self) -> None:
        if self.read is None:
            return
        mobile, read, values = self.grants.mobile, self.read, self.person.values()
        self.run("net", lambda: mobile.add_and_grant(read, values), self._done,
                 on_error=self._field_errors)

    def _done(self, done: Any) -> None:
        screen = self.ctx.navigate("g78", business_id=self.read.business_id if self.read else "")
        screen.status.info(tr("g79.done", mykey_id=done.mykey_id, amount=f"{done.amount:,}",
                               txn_no=done.txn_no))

    def _field_errors(self, exc: BaseException) -> bool:
        if isinstance(exc, FieldErrors):
            (self.top if "collation" in exc.errors else self.person).show_errors(exc.errors)
            self.status.error(exc.message)
            return True
        return False
