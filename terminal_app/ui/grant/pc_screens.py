"""画面68 ログイン (also 画面75 for the mobile mode), 画面69 初期設定, 画面70 メニュー."""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QCheckBox

from terminal_app.grant_support.models import PERSON_FIELDS
from terminal_app.ui.context import UiContext
from terminal_app.ui.grant.common import GrantScreen
from terminal_app.ui.grant.strings import tr
from terminal_app.ui.screens.base import button, label
from terminal_app.ui.widgets.form import FormGrid, line_edit, row

log = logging.getLogger(__name__)


class GrantLoginScreen(GrantScreen):
    """Terminal ID + password → terminal authentication and the master sync, at every login."""

    screen_id = "g68"
    grant_title = "g68.title"
    menu_target = None

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.next_screen = "g70"
        self.next_kwargs: dict[str, Any] = {}
        self.body.addWidget(label(tr("g68.lead"), "lead"))
        self.terminal_id = line_edit(8, name="terminalIdEdit")
        self.password = line_edit(32, password=True, name="passwordEdit")
        self.form = FormGrid()
        self.form.add_row("terminal_id", tr("g68.terminal_id"), self.terminal_id, required=True)
        self.form.add_row("password", tr("g68.password"), self.password, required=True)
        self.body.addWidget(self.form)
        self.submit = button(tr("g68.submit"), primary=True, name="loginButton")
        self.submit.clicked.connect(self.on_submit)
        self.password.returnPressed.connect(self.on_submit)
        self.body.addWidget(row(self.submit))
        self.body.addWidget(label(tr("g68.note"), "lead"))
        self.body.addStretch(1)
        self.lock_while_busy(self.submit)

    def on_enter(self, **kwargs: Any) -> None:
        self.next_screen = str(kwargs.get("next_screen", "g70"))
        self.next_kwargs = dict(kwargs.get("next_kwargs") or {})
        mobile = self.next_screen != "g70"
        self.title_label.setText(tr("g75.title" if mobile else "g68.title"))
        self.terminal_id.setText(self.ctx.terminal_id)
        self.password.clear()
        self.password.setFocus()

    def on_submit(self) -> None:
        support = self.grants.support
        terminal_id, password = self.terminal_id.text(), self.password.text()
        self.run("net", lambda: support.login(terminal_id, password), self._logged_in,
                 working=tr("g68.working"))

    def _logged_in(self, businesses: list[Any]) -> None:
        self.password.clear()
        if self.grants.support.chosen_fields() is None:
            self.ctx.navigate("g69", then=self.next_screen, then_kwargs=self.next_kwargs)
            return
        screen = self.ctx.navigate(self.next_screen, **self.next_kwargs)
        if not self.next_kwargs:
            screen.status.info(tr("g70.synced", count=len(businesses)))


class GrantSettingsScreen(GrantScreen):
    """画面69: which optional person fields this office keeps."""

    screen_id = "g69"
    grant_title = "g69.title"

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.then = "g70"
        self.then_kwargs: dict[str, Any] = {}
        self.body.addWidget(label(tr("g69.lead"), "lead"))
        self.boxes = {key: QCheckBox(text) for key, text in PERSON_FIELDS}
        for key, box in self.boxes.items():
            box.setObjectName(f"field_{key}")
            self.body.addWidget(box)
        self.submit = button(tr("g69.submit"), primary=True, name="settingsButton")
        self.submit.clicked.connect(self.on_submit)
        self.body.addWidget(row(self.submit))
        self.body.addStretch(1)

    def on_enter(self, **kwargs: Any) -> None:
        self.then = str(kwargs.get("then", "g70"))
        self.then_kwargs = dict(kwargs.get("then_kwargs") or {})
        chosen = self.grants.support.chosen_fields() or ()
        for key, box in self.boxes.items():
            box.setChecked(key in chosen)

    def on_submit(self) -> None:
        self.grants.support.choose_fields(tuple(k for k, b in self.boxes.items() if b.isChecked()))
        self.ctx.navigate(self.then, **self.then_kwargs)


class GrantMenuScreen(GrantScreen):
    """画面70: the three tasks of the business-support system, settings and the mobile mode."""

    screen_id = "g70"
    grant_title = "g70.title"
    menu_target = None
    entries = (("g70.import_note", "g70.import", "g71"), ("g70.entry_note", "g70.entry", "g72"),
               ("g70.roster_note", "g70.roster", "g73"))

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.buttons = {}
        for note, text, target in self.entries:
            self.body.addWidget(label(tr(note), "lead"))
            self.buttons[target] = self._entry(tr(text), target)
        self.buttons["g74"] = self._entry(tr("g70.mobile"), "g74")
        settings = button(tr("g70.settings"), name="menu_g69")
        settings.clicked.connect(lambda: self.ctx.navigate("g69"))
        self.body.addWidget(row(settings))
        self.body.addStretch(1)

    def _entry(self, text: str, target: str) -> Any:
        widget = button(text + "  >", name=f"menu_{target}")
        widget.setProperty("menu", "true")
        widget.clicked.connect(lambda _=False, t=target: self.ctx.navigate(t))
        self.body.addWidget(widget)
        return widget
