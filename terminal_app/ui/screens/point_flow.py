"""The card → balances → amount → confirm → done flow shared by 画面29-31, 32-34 and 37-39.

Subclasses say which service call executes the operation and what the confirmation and the
receipt show. A network failure after the action button leaves an `OutcomeUnknown` from the
core: the screen says so and offers 再確認, which replays the same request with the same
idempotency key (the cloud answers a repeated key with the first result).
"""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from terminal_app.domain import rules
from terminal_app.domain.errors import UserFacingError
from terminal_app.ui.context import UiContext
from terminal_app.ui.errors import describe
from terminal_app.ui.screens.base import Screen, button, label
from terminal_app.ui.strings import points, tr
from terminal_app.ui.widgets.balances import BalanceTable
from terminal_app.ui.widgets.form import FormGrid, line_edit, row
from terminal_app.ui.widgets.info import InfoBlock
from terminal_app.ui.widgets.pages import page
from terminal_app.ui.widgets.receipt import ReceiptPreview

log = logging.getLogger(__name__)


class PointFlowScreen(Screen):
    """Three pages in one screen: input (画面29), confirm (画面30), done (画面31)."""

    menu_target = "points"
    titles = ("s29.title", "s30.title", "s31.title")
    action_key = "s29.action"
    working_key = "s29.working"
    done_key = "s31.lead"
    card_lead_key = "card.lead"
    balances_lead_key = "bal.lead"
    amount_lead_key = "amount.lead"
    print_key = "flow.print"

    def __init__(self, ctx: UiContext) -> None:
        self.title_key = self.titles[0]
        super().__init__(ctx)
        self.pages = QStackedWidget()
        self.body.addWidget(self.pages)
        self.card: Any = None
        self.result: Any = None
        self._pending: tuple[str, Any, int, int | None] | None = None   # holder confirmed, …
        self._build_input()
        self._build_confirm()
        self._build_done()

    # page 1: card read, balances, amount -----------------------------------------------------
    def _build_input(self) -> None:
        widget, layout = page()
        layout.addWidget(label(tr(self.card_lead_key), "lead"))
        self.read_button = button(tr("card.read"), primary=True, name="readCardButton")
        self.read_button.clicked.connect(self.on_read_card)
        layout.addWidget(row(self.read_button, *self.extra_read_widgets()))
        layout.addWidget(label(tr(self.amount_lead_key), "lead"))
        self.user = InfoBlock(tr("user.title"))
        self.user.add("mykey_id", tr("user.mykey_id"))
        self.add_user_rows(self.user)
        layout.addWidget(self.user)
        self.add_input_blocks(layout)
        layout.addWidget(label(tr("bal.title"), "sectionTitle"))
        layout.addWidget(label(tr(self.balances_lead_key), "lead"))
        self.table = BalanceTable()
        layout.addWidget(self.table)
        layout.addWidget(label(tr("amount.title"), "sectionTitle"))
        layout.addWidget(label(tr("common.required_note"), "lead"))
        self.amount = line_edit(9, name="amountEdit")
        self.amount.setFixedWidth(140)
        self.amount.returnPressed.connect(self.on_confirm)
        self.amount_form = FormGrid()
        self.amount_form.add_row("amount", tr("amount.label"), row(self.amount, QLabel("pt")),
                                 required=True, inputs=[self.amount])
        layout.addWidget(self.amount_form)
        back = button(tr("nav.back"), name="backButton")
        back.clicked.connect(self.go_menu)
        self.confirm_button = button(tr("flow.confirm"), primary=True, name="confirmButton")
        self.confirm_button.clicked.connect(self.on_confirm)
        layout.addWidget(row(back, self.confirm_button))
        layout.addStretch(1)
        self.pages.addWidget(widget)
        self.lock_while_busy(self.read_button, self.confirm_button, back)

    def extra_read_widgets(self) -> list[QWidget]:
        """Override: more ways to read the holder (the merge screen's shopping card)."""
        return []

    def add_user_rows(self, block: InfoBlock) -> None:
        """Override: more 利用者情報 rows."""

    def add_input_blocks(self, layout: QVBoxLayout) -> None:
        """Override: more input (the voucher validity)."""

    # page 2: confirmation -------------------------------------------------------------------
    def _build_confirm(self) -> None:
        widget, layout = page()
        layout.addWidget(label(tr("flow.confirm_lead", action=tr(self.action_key)), "lead"))
        self.confirm_user = InfoBlock(tr("user.title"))
        self.confirm_user.add("mykey_id", tr("user.mykey_id"))
        self.add_user_rows(self.confirm_user)
        self.confirm_point = InfoBlock(tr("flow.point_info"))
        self.confirm_point.add("name", tr("bal.name"))
        self.confirm_point.add("balance", tr("bal.balance"))
        self.confirm_use = InfoBlock(tr("flow.use_info"))
        self.confirm_use.add("amount", tr("amount.label"), big=True)
        self.confirm_use.add("after", tr("flow.after"), big=True)
        self.add_confirm_rows(self.confirm_use)
        for block in (self.confirm_user, self.confirm_point, self.confirm_use):
            layout.addWidget(block)
        back = button(tr("nav.back"), name="confirmBackButton")
        back.clicked.connect(lambda: self.show_page(0))
        self.action_button = button(tr(self.action_key), primary=True, name="actionButton")
        self.action_button.clicked.connect(self.on_action)
        layout.addWidget(row(back, self.action_button))
        layout.addStretch(1)
        self.pages.addWidget(widget)
        self.lock_while_busy(self.action_button, back)

    def add_confirm_rows(self, block: InfoBlock) -> None:
        """Override: more confirmation rows."""

    # page 3: done + receipt -------------------------------------------------------------------
    def _build_done(self) -> None:
        widget, layout = page()
        self.done_label = label(tr(self.done_key), "lead")
        layout.addWidget(self.done_label)
        line = QHBoxLayout()
        self.preview = ReceiptPreview()
        line.addWidget(self.preview)
        side = QVBoxLayout()
        self.print_button = button(tr(self.print_key), primary=True, name="printButton")
        self.print_button.clicked.connect(self.on_print)
        side.addWidget(self.print_button)
        for extra in self.done_buttons():
            side.addWidget(extra)
        again = button(tr("nav.point_menu"), name="pointMenuButton")
        again.clicked.connect(self.go_menu)
        side.addWidget(again)
        side.addStretch(1)
        line.addLayout(side)
        layout.addLayout(line)
        layout.addStretch(1)
        self.pages.addWidget(widget)
        self.lock_while_busy(self.print_button, again)

    def done_buttons(self) -> list[QWidget]:
        """Override: more buttons on the done page (再発行)."""
        return []

    def show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.title_label.setText(tr(self.titles[index]))

    # flow ---------------------------------------------------------------------------------------
    def on_enter(self, **kwargs: Any) -> None:
        self.card, self.result, self._pending = None, None, None
        self.forget_operation()
        self.user.set("mykey_id", "")
        self.table.set_balances([])
        self.amount.clear()
        self.amount_form.show_errors({})
        self.preview.clear_image()
        self.show_page(0)

    def on_read_card(self) -> None:
        cards = self.ctx.services.cards
        self.run("card", cards.read, self.card_read, working=tr("card.reading"))

    def card_read(self, card: Any) -> None:
        self.card = card
        self.user.set("mykey_id", str(card.mykey_id))
        self.table.set_balances(list(card.balances))
        if not card.balances:
            self.status.error(tr("bal.none"))
        self.amount.setFocus()

    def input_errors(self) -> tuple[dict[str, str], int, int | None]:
        """Field → message for the amount (and validity); the clean values when valid."""
        balance = self.table.selected
        if self.card is None or balance is None:
            return {"amount": tr("amount.no_card" if self.card is None else "bal.choose")}, 0, None
        try:
            return {}, rules.amount(self.amount.text(), int(balance.balance)), None
        except UserFacingError as exc:  # the rule's Japanese text
            return {"amount": exc.message}, 0, None

    def on_confirm(self) -> None:
        if self.ctx.jobs.busy:   # e.g. Enter in the amount while another card is being read
            return
        errors, amount, extra = self.input_errors()
        self.amount_form.show_errors(errors)
        if errors:
            return
        balance = self.table.selected
        assert balance is not None
        self._pending = (str(self.card.mykey_id), balance, amount, extra)
        self.confirm_user.set("mykey_id", str(self.card.mykey_id))
        self.fill_user(self.confirm_user)
        self.confirm_point.set("name", str(balance.name))
        self.confirm_point.set("balance", points(int(balance.balance)))
        self.confirm_use.set("amount", points(amount))
        self.confirm_use.set("after", points(int(balance.balance) - amount))
        self.fill_confirm(extra)
        self.show_page(1)

    def fill_user(self, block: InfoBlock) -> None:
        """Override: fill the extra 利用者情報 rows."""

    def fill_confirm(self, extra: int | None) -> None:
        """Override: fill the extra confirmation rows."""

    def execute(self, balance: Any, amount: int, extra: int | None, key: str | None) -> Any:
        """Override: the blocking service call (runs in the worker); `key` replays a request."""
        raise RuntimeError("no operation")

    def on_action(self) -> None:
        """利用 pressed again, or 戻る → 確認 → 利用, after a lost answer or after a failure that
        followed the cloud's answer (a linkage file not saved) sends the recorded request again
        under the operation's key (holder, point, amount, validity): the first result, not a
        second use."""
        assert self._pending is not None
        mykey_id, balance, amount, extra = self._pending
        if self.card is None or str(self.card.mykey_id) != mykey_id:
            self.show_page(0)   # another card was read while the confirmation was shown
            self.status.error(tr("flow.card_changed"))
            return
        key = self.operation_key((mykey_id, balance.point_id, amount, extra))
        if self.operation.sent:
            self.recheck(key)
            return
        self.operation.mark_sent()
        self.run("net", lambda: self.execute(balance, amount, extra, key), self.done,
                 working=tr(self.working_key), on_error=self._outcome_unknown)

    def _outcome_unknown(self, exc: BaseException) -> bool:
        key = describe(exc).outcome_key or ""
        return self.offer_recheck(exc, lambda: self.recheck(key))

    def recheck(self, key: str) -> None:
        """再確認: the same request with the same idempotency key (never applied twice)."""
        recheck = self.ctx.services.recheck
        self.run("net", lambda: recheck.recheck(key), self._rechecked,
                 working=tr("flow.resending"), on_error=self._outcome_unknown)

    def _rechecked(self, result: Any) -> None:
        self.done(result)
        self.status.info(tr("flow.recheck_done"))

    def done(self, result: Any) -> None:
        self.result = result
        self.forget_operation()
        self.show_page(2)
        self.refresh_preview()

    def refresh_preview(self) -> None:
        receipts, result = self.ctx.services.receipts, self.result
        self.ctx.jobs.run("local", lambda: receipts.preview(result), self.preview.show_image,
                          lambda exc: self.status.error(
                              tr("flow.preview_failed", reason=describe(exc).text)))

    def on_print(self) -> None:
        receipts, result = self.ctx.services.receipts, self.result
        self.run("printer", lambda: receipts.print(result),
                 lambda _: self.status.info(tr("flow.printed")), working=tr("flow.printing"))
