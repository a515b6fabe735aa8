"""画面29-31: ポイント利用 — card read, choose the point, amount, confirm, 利用, receipt."""
from __future__ import annotations

from typing import Any

from terminal_app.ui.screens.point_flow import PointFlowScreen


class SpendScreen(PointFlowScreen):
    """Deducts points at the counter; the clerk then discounts the sale in the register."""

    screen_id = "s29"

    def execute(self, balance: Any, amount: int, extra: int | None, key: str | None) -> Any:
        return self.ctx.services.points.spend(self.card, balance.point_id, amount, key=key)
