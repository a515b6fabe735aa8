"""画面22 メニュー and 画面28 ポイントメニュー: only what the terminal's category allows."""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QPushButton

from terminal_app.ui.context import UiContext
from terminal_app.ui.screens.base import Screen, button, label
from terminal_app.ui.strings import tr

log = logging.getLogger(__name__)

POINT_PERMISSIONS = ("spend", "voucher_issue", "voucher_redeem", "merge", "report_place")


class MenuScreen(Screen):
    """A list of large buttons; each entry is (label key, target screen, needed permission)."""

    screen_id = "menu"
    title_key = "s22.title"
    menu_target: str | None = None
    entries: tuple[tuple[str, str, str | None], ...] = (
        ("s22.register_sid", "s23", "service_id"),
        ("s22.lookup_sid", "s25", "service_id"),
        ("s22.contact", "s10", None),
        ("s22.cloud", "points", "*points"),
        ("s22.mykey_id", "s14", None),
    )
    note_key = "s22.note"

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.buttons: dict[str, QPushButton] = {}
        for text_key, target, _ in self.entries:
            widget = button(tr(text_key) + "  >", name=f"menu_{target}")
            widget.setProperty("menu", "true")
            widget.clicked.connect(lambda _=False, t=target: self.ctx.navigate(t))
            self.buttons[target] = widget
            self.body.addWidget(widget)
        self.empty_label = label(tr("s28.none"), "lead")
        self.body.addWidget(self.empty_label)
        if self.note_key:
            self.body.addWidget(label(tr(self.note_key), "lead"))
        self.body.addStretch(1)

    def allowed(self, needed: str | None) -> bool:
        perms = self.ctx.permissions
        if needed is None:
            return True
        if needed == "*points":
            return any(p in perms for p in POINT_PERMISSIONS)
        return needed in perms

    def on_enter(self, notice: str = "", **kwargs: Any) -> None:
        visible = 0
        for text_key, target, needed in self.entries:
            shown = self.allowed(needed)
            self.buttons[target].setVisible(shown)
            visible += shown
        self.empty_label.setVisible(visible == 0)
        if notice:
            self.status.info(notice)

    def visible_entries(self) -> list[str]:
        """The labels of the entries shown (for tests and screenshots)."""
        return [tr(k) for k, t, n in self.entries if self.allowed(n)]


class PointMenuScreen(MenuScreen):
    """画面28: ポイント利用 / ポイント券発行 / ポイント券消込 / 商店街ポイント合算 / 自治体ポイント集計."""

    screen_id = "points"
    title_key = "s28.title"
    menu_target = "menu"
    entries = (
        ("s28.spend", "s29", "spend"),
        ("s28.voucher", "s32", "voucher_issue"),
        ("s28.redeem", "s35", "voucher_redeem"),
        ("s28.merge", "s37", "merge"),
        ("s28.report", "s87", "report_place"),
    )
    note_key = ""
