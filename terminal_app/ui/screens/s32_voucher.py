"""画面32-34: ポイント券発行 — validity (1-30 days), point, amount, confirm, 発行, 再発行."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from terminal_app.domain import rules
from terminal_app.domain.errors import UserFacingError
from terminal_app.ui.screens.base import button, label
from terminal_app.ui.screens.point_flow import PointFlowScreen
from terminal_app.ui.strings import tr
from terminal_app.ui.widgets.form import FormGrid, line_edit, row
from terminal_app.ui.widgets.info import InfoBlock


class VoucherScreen(PointFlowScreen):
    """Issues a printed point voucher (12-digit number + QR) from the chosen balance."""

    screen_id = "s32"
    titles = ("s32.title", "s33.title", "s34.title")
    action_key = "s32.action"
    working_key = "s32.working"
    done_key = "s34.lead"
    print_key = "s34.print"

    def add_input_blocks(self, layout: QVBoxLayout) -> None:
        layout.addWidget(label(tr("validity.title"), "sectionTitle"))
        self.validity = line_edit(2, name="validityEdit")
        self.validity.setFixedWidth(60)
        self.validity_form = FormGrid()
        self.validity_form.add_row("validity", tr("validity.label"),
                                   row(self.validity, QLabel(tr("validity.unit"))),
                                   required=True, help_text=tr("validity.note"),
                                   inputs=[self.validity])
        layout.addWidget(self.validity_form)

    def add_confirm_rows(self, block: InfoBlock) -> None:
        block.add("validity", tr("validity.label"))

    def done_buttons(self) -> list[QWidget]:
        self.reissue_button: QPushButton = button(tr("s34.reissue"), name="reissueButton")
        self.reissue_button.clicked.connect(self.on_reissue)
        self.lock_while_busy(self.reissue_button)   # a double click would print it twice
        return [self.reissue_button]

    def on_enter(self, **kwargs: Any) -> None:
        super().on_enter(**kwargs)
        self.validity.clear()
        self.validity_form.show_errors({})

    def input_errors(self) -> tuple[dict[str, str], int, int | None]:
        errors, amount, _ = super().input_errors()
        try:
            days: int | None = rules.validity_days(self.validity.text())
        except UserFacingError as exc:  # the rule's Japanese text
            self.validity_form.show_errors({"validity": exc.message})
            return {**errors, "validity": exc.message}, amount, None
        self.validity_form.show_errors({})
        return errors, amount, days

    def fill_confirm(self, extra: int | None) -> None:
        self.confirm_use.set("validity", f"{extra}{tr('validity.unit')}")

    def execute(self, balance: Any, amount: int, extra: int | None, key: str | None) -> Any:
        assert extra is not None
        return self.ctx.services.vouchers.issue(self.card, balance.point_id, amount, extra,
                                                key=key)

    def on_reissue(self) -> None:
        vouchers, voucher_no = self.ctx.services.vouchers, self.result.voucher_no
        self.run("net", lambda: vouchers.reprint(voucher_no), self._reissued,
                 working=tr("s34.reissuing"))

    def _reissued(self, result: Any) -> None:
        self.result = result
        self.refresh_preview()
        self.on_print()
