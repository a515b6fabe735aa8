"""画面35/36: ポイント券消込 — scan the voucher's QR (keyboard wedge) or type the 12-digit number,
check the voucher, 消込処理, receipt."""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QVBoxLayout

from terminal_app.domain import rules
from terminal_app.domain.errors import UserFacingError
from terminal_app.ui.context import UiContext
from terminal_app.ui.errors import describe
from terminal_app.ui.screens.base import Screen, button, label
from terminal_app.ui.strings import points, tr
from terminal_app.ui.widgets.form import FormGrid, line_edit, row
from terminal_app.ui.widgets.info import InfoBlock
from terminal_app.ui.widgets.pages import page
from terminal_app.ui.widgets.receipt import ReceiptPreview

log = logging.getLogger(__name__)

STATE_KEYS = {"issued": "s35.state_issued", "redeemed": "s35.state_redeemed",
              "lapsed": "s35.state_lapsed"}
INFO_ROWS = (("voucher_no", "s35.number"), ("point_name", "s35.point_name"),
             ("issue_type", "s35.issue_type"), ("issued_at", "s35.issued_at"),
             ("amount", "s35.amount"), ("validity", "s35.validity"), ("state", "s35.state"))


def when(value: Any) -> str:
    return value.strftime("%Y/%m/%d %H:%M:%S") if hasattr(value, "strftime") else str(value)


class RedeemScreen(Screen):
    """Reads a voucher by number, shows it, redeems it whole (no partial use)."""

    screen_id = "s35"
    title_key = "s35.title"
    menu_target = "points"

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.pages = QStackedWidget()
        self.body.addWidget(self.pages)
        self.voucher: Any = None
        self.result: Any = None
        self._build_input()
        self._build_done()

    def _build_input(self) -> None:
        widget, layout = page()
        layout.addWidget(label(tr("s35.lead"), "lead"))
        layout.addWidget(label(tr("common.required_note"), "lead"))
        self.number = line_edit(14, hint="987654321012", name="voucherNoEdit")
        self.number.setFixedWidth(200)
        self.number.returnPressed.connect(self.on_read)
        self.read_button = button(tr("s35.read"), primary=True, name="readVoucherButton")
        self.read_button.clicked.connect(self.on_read)
        self.form = FormGrid()
        self.form.add_row("voucher_no", tr("s35.number"), row(self.number, self.read_button),
                          required=True, inputs=[self.number])
        layout.addWidget(self.form)
        self.confirm_lead = label(tr("s35.confirm_lead"), "lead")
        layout.addWidget(self.confirm_lead)
        self.info = InfoBlock(tr("s35.info"))
        for key, label_key in INFO_ROWS:
            self.info.add(key, tr(label_key), big=key == "amount")
        layout.addWidget(self.info)
        self.redeem_button = button(tr("s35.redeem"), primary=True, name="redeemButton")
        self.redeem_button.clicked.connect(self.on_redeem)
        layout.addWidget(row(self.redeem_button))
        layout.addStretch(1)
        self.pages.addWidget(widget)
        self.lock_while_busy(self.read_button, self.redeem_button, self.number)

    def _build_done(self) -> None:
        widget, layout = page()
        layout.addWidget(label(tr("s36.lead"), "lead"))
        line = QHBoxLayout()
        self.preview = ReceiptPreview()
        line.addWidget(self.preview)
        side = QVBoxLayout()
        self.print_button = button(tr("flow.print"), primary=True, name="printButton")
        self.print_button.clicked.connect(self.on_print)
        again = button(tr("s36.next"), name="nextButton")
        again.clicked.connect(lambda: self.enter())
        for widget_ in (self.print_button, again):
            side.addWidget(widget_)
        side.addStretch(1)
        line.addLayout(side)
        layout.addLayout(line)
        layout.addStretch(1)
        self.pages.addWidget(widget)
        self.lock_while_busy(self.print_button, again)

    def on_enter(self, **kwargs: Any) -> None:
        self.voucher = self.result = None
        self.forget_operation()
        self.number.clear()
        self.form.show_errors({})
        self._show_voucher(None)
        self.preview.clear_image()
        self.pages.setCurrentIndex(0)
        self.title_label.setText(tr("s35.title"))
        self.number.setFocus()

    def scanned(self, text: str) -> None:
        """A keyboard-wedge scan of the voucher's QR code."""
        if self.pages.currentIndex() == 0 and not self.ctx.jobs.busy:
            self.number.setText(text.strip())
            self.status.info(tr("s35.scanned"))
            self.on_read()

    def on_read(self) -> None:
        try:
            voucher_no = rules.voucher_no(self.number.text())
        except UserFacingError as exc:  # the rule's Japanese text
            self.form.show_errors({"voucher_no": exc.message})
            return
        self.form.show_errors({})
        service = self.ctx.services.vouchers
        self.run("net", lambda: service.info(voucher_no), self._show_voucher,
                 working=tr("s35.reading"))

    def _show_voucher(self, voucher: Any) -> None:
        self.voucher = voucher
        shown = voucher is not None
        for widget in (self.info, self.confirm_lead, self.redeem_button):
            widget.setVisible(shown)
        if not shown:
            return
        state = tr(STATE_KEYS.get(voucher.state, "s35.state_issued"))
        values = {"voucher_no": voucher.voucher_no, "point_name": voucher.point_name,
                  "issue_type": getattr(voucher, "issue_type", "") or "ポイント券",
                  "issued_at": when(voucher.issued_at), "amount": points(voucher.amount),
                  "validity": tr("s35.validity_value", days=voucher.validity_days,
                                 until=voucher.expires_on.strftime("%Y/%m/%d")),
                  "state": state}
        for key, value in values.items():
            self.info.set(key, str(value))
        self.redeem_button.setEnabled(voucher.state == "issued")
        if voucher.state != "issued":
            self.status.error(tr("s35.not_redeemable", state=state))

    def on_redeem(self) -> None:
        """消込処理: one Idempotency-Key per voucher, so that pressing it again (or 再確認)
        after a lost answer re-sends the same request and gets its first answer, not
        "already redeemed" for the redemption it made itself."""
        service, voucher_no = self.ctx.services.vouchers, self.voucher.voucher_no
        key = self.operation_key((voucher_no,))
        self.run("net", lambda: service.redeem(voucher_no, key=key), self._redeemed,
                 working=tr("s35.redeeming"),
                 on_error=lambda exc: self.offer_recheck(exc, self.on_redeem))

    def _redeemed(self, result: Any) -> None:
        self.result = result
        self.pages.setCurrentIndex(1)
        self.title_label.setText(tr("s36.title"))
        receipts = self.ctx.services.receipts
        self.ctx.jobs.run("local", lambda: receipts.preview(result), self.preview.show_image,
                          lambda exc: self.status.error(describe(exc).text))

    def on_print(self) -> None:
        receipts, result = self.ctx.services.receipts, self.result
        self.run("printer", lambda: receipts.print(result),
                 lambda _: self.status.info(tr("flow.printed")), working=tr("flow.printing"))
