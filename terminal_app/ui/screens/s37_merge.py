"""画面37-39: 商店街ポイント合算 — My Number card or shopping card, amount, confirm, 合算, receipt.

The shopping card arrives as keyboard-wedge input (the main window's filter) or is typed.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from terminal_app.domain import rules
from terminal_app.domain.errors import UserFacingError
from terminal_app.ui.screens.base import button
from terminal_app.ui.screens.point_flow import PointFlowScreen
from terminal_app.ui.strings import tr
from terminal_app.ui.widgets.form import line_edit
from terminal_app.ui.widgets.info import InfoBlock


class MergeScreen(PointFlowScreen):
    """Moves municipal points into the shopping street's own point system (linkage file)."""

    screen_id = "s37"
    titles = ("s37.title", "s38.title", "s39.title")
    action_key = "s37.action"
    working_key = "s37.working"
    done_key = "s39.lead"
    card_lead_key = "card.lead_merge"
    balances_lead_key = "bal.lead_merge"
    amount_lead_key = "amount.lead_merge"

    def extra_read_widgets(self) -> list[QWidget]:
        self.shopping = line_edit(20, hint=tr("card.shopping_label"), name="shoppingEdit")
        self.shopping.setToolTip(tr("card.shopping_hint"))
        self.shopping.returnPressed.connect(self.on_read_shopping)
        self.shopping_button = button(tr("card.shopping_read"), name="readShoppingButton")
        self.shopping_button.clicked.connect(self.on_read_shopping)
        self.lock_while_busy(self.shopping_button)
        return [self.shopping, self.shopping_button]

    def add_user_rows(self, block: InfoBlock) -> None:
        block.add("street", tr("user.street"))
        block.add("customer", tr("user.customer"))

    def on_enter(self, **kwargs: Any) -> None:
        super().on_enter(**kwargs)
        self.shopping.clear()
        self.fill_user(self.user)

    def fill_user(self, block: InfoBlock) -> None:
        business = self.ctx.terminal.id_business if self.ctx.terminal else None
        block.set("street", business.name if business else "")
        block.set("customer", str(getattr(self.card, "customer_id", "") or ""))

    def card_read(self, card: Any) -> None:
        super().card_read(card)
        self.fill_user(self.user)

    def on_read_shopping(self) -> None:
        try:
            customer_id = rules.customer_id(self.shopping.text(), code="shopping_id_format")
        except UserFacingError as exc:  # the rule's Japanese text
            self.status.error(exc.message)
            return
        cards = self.ctx.services.cards
        self.run("net", lambda: cards.read_shopping(customer_id), self.card_read,
                 working=tr("card.reading"))

    def scanned(self, text: str) -> None:
        """A keyboard-wedge scan (shopping card reader) while this screen is shown."""
        if self.pages.currentIndex() == 0:
            self.shopping.setText(text)
            self.on_read_shopping()

    def done(self, result: Any) -> None:
        super().done(result)
        path = getattr(result, "saved_path", None)
        name = Path(path).name if path else ""
        self.done_label.setText(tr(self.done_key) + ("\n" + tr("s39.file", name=name) if name
                                                     else ""))

    def execute(self, balance: Any, amount: int, extra: int | None, key: str | None) -> Any:
        return self.ctx.services.points.merge(self.card, balance.point_id, amount, key=key)
