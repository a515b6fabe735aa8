"""画面23/24: サービスIDの登録 — card number, address-change notices (はい/いいえ), the My Number
card, 登録 → the registered service ID shown for comparison with the user's own card."""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QButtonGroup, QRadioButton, QStackedWidget

from terminal_app.domain import rules
from terminal_app.domain.errors import UserFacingError
from terminal_app.ui.context import UiContext
from terminal_app.ui.screens.base import Screen, button, label
from terminal_app.ui.strings import tr
from terminal_app.ui.widgets.form import FormGrid, line_edit, row
from terminal_app.ui.widgets.info import InfoBlock
from terminal_app.ui.widgets.pages import page

log = logging.getLogger(__name__)


class ServiceIdRegisterScreen(Screen):
    """Registers (or corrects) the holder's customer ID at this terminal's ID-granting business."""

    screen_id = "s23"
    title_key = "s23.title"

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.pages = QStackedWidget()
        self.body.addWidget(self.pages)
        self._build_input()
        self._build_done()

    def _build_input(self) -> None:
        widget, layout = page()
        layout.addWidget(label(tr("s23.step1"), "lead"))
        self.customer_id = line_edit(20, hint="180000000011", name="customerIdEdit")
        self.form = FormGrid()
        self.form.add_row("customer_id", tr("s23.customer_id"), self.customer_id, required=True,
                          help_text=tr("s23.customer_help"))
        layout.addWidget(self.form)
        layout.addWidget(label(tr("s23.step2"), "lead"))
        self.yes, self.no = QRadioButton(tr("common.yes")), QRadioButton(tr("common.no"))
        self.yes.setObjectName("noticeYes")
        self.no.setObjectName("noticeNo")
        self.notice = QButtonGroup(self)
        self.notice.addButton(self.yes)
        self.notice.addButton(self.no)
        self.sign_password = line_edit(16, password=True, name="signPasswordEdit")
        self.notice_form = FormGrid()
        self.notice_form.add_row("notice", tr("s23.notice"), row(self.yes, self.no), required=True,
                                 help_text=tr("s23.notice_help"), inputs=[])
        self.notice_form.add_row("sign_password", tr("s23.sign_password"), self.sign_password)
        self.yes.toggled.connect(self.sign_password.setEnabled)
        layout.addWidget(self.notice_form)
        layout.addWidget(label(tr("s23.step3"), "lead"))
        layout.addWidget(label(tr("s23.step4"), "lead"))
        self.submit = button(tr("s23.submit"), primary=True, name="submitButton")
        self.submit.clicked.connect(self.on_submit)
        layout.addWidget(row(self.submit))
        layout.addStretch(1)
        self.pages.addWidget(widget)
        self.lock_while_busy(self.submit)

    def _build_done(self) -> None:
        widget, layout = page()
        layout.addWidget(label(tr("s24.lead"), "lead"))
        self.result_block = InfoBlock()
        self.result_block.add("business", tr("s24.business"))
        self.result_block.add("mykey_id", tr("user.mykey_id"))
        self.result_block.add("customer_id", tr("s23.customer_id"))
        self.result_block.values["customer_id"].setObjectName("bigNumber")
        layout.addWidget(self.result_block)
        back = button(tr("s24.back"), name="backButton")
        back.clicked.connect(lambda: self._show(0))
        menu = button(tr("nav.back_menu"), name="menuButton")
        menu.clicked.connect(self.go_menu)
        layout.addWidget(row(back, menu))
        layout.addStretch(1)
        self.pages.addWidget(widget)

    def _show(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.title_label.setText(tr("s24.title" if index else "s23.title"))
        self.status.clear()

    def on_enter(self, **kwargs: Any) -> None:
        self.customer_id.clear()
        self.sign_password.clear()
        self.notice.setExclusive(False)
        self.yes.setChecked(False)
        self.no.setChecked(False)
        self.notice.setExclusive(True)
        self.sign_password.setEnabled(False)
        self.form.show_errors({})
        self.notice_form.show_errors({})
        self._show(0)
        self.customer_id.setFocus()

    def scanned(self, text: str) -> None:
        """A card number read by a keyboard-wedge reader."""
        if self.pages.currentIndex() == 0:
            self.customer_id.setText(text.strip())

    def _inputs(self) -> tuple[dict[str, str], dict[str, Any]]:
        errors: dict[str, str] = {}
        values: dict[str, Any] = {"address_notice": self.yes.isChecked(), "sign_password": None}
        try:
            values["customer_id"] = rules.customer_id(self.customer_id.text())
        except UserFacingError as exc:  # the rule's Japanese text
            errors["customer_id"] = exc.message
        if not (self.yes.isChecked() or self.no.isChecked()):
            errors["notice"] = tr("s23.notice_required")
        elif self.yes.isChecked():
            try:
                values["sign_password"] = rules.sign_password(self.sign_password.text())
            except UserFacingError as exc:  # the rule's Japanese text
                errors["sign_password"] = exc.message
        return errors, values

    def on_submit(self) -> None:
        errors, values = self._inputs()
        self.form.show_errors(errors)
        self.notice_form.show_errors(errors)
        if errors:
            return
        cards, service = self.ctx.services.cards, self.ctx.services.service_ids
        self.sign_password.clear()
        self.run("card", lambda: service.register(cards.read(), **values), self._registered,
                 working=tr("s23.working"), retry=not values["address_notice"])

    def _registered(self, result: Any) -> None:
        self.sign_password.clear()
        self.result_block.set("business", str(result.id_business.name))
        self.result_block.set("mykey_id", str(result.mykey_id))
        self.result_block.set("customer_id", str(result.customer_id))
        self._show(1)
