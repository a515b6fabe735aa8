"""画面9: 端末IDと端末パスワードの登録 — the first start of an unregistered terminal."""
from __future__ import annotations

import logging
import re
from typing import Any

from terminal_app.messages import message
from terminal_app.ui.context import UiContext
from terminal_app.ui.screens.base import Screen, button, label
from terminal_app.ui.strings import tr
from terminal_app.ui.widgets.form import FormGrid, line_edit, row

log = logging.getLogger(__name__)

TERMINAL_ID = re.compile(r"^\d{8}$")


class CredentialsScreen(Screen):
    """Terminal ID + password → precheck on the cloud → 画面10 with the category and businesses."""

    screen_id = "s09"
    title_key = "s09.title"
    menu_target = None

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.body.addWidget(label(tr("s09.lead"), "lead"))
        self.form = FormGrid()
        self.terminal_id = line_edit(8, hint="00052459", name="terminalIdEdit")
        self.password = line_edit(64, password=True, name="passwordEdit")
        self.form.add_row("terminal_id", tr("s09.terminal_id"), self.terminal_id, required=True)
        self.form.add_row("password", tr("s09.password"), self.password, required=True)
        self.body.addWidget(self.form)
        self.submit = button(tr("s09.submit"), primary=True, name="submitButton")
        self.submit.clicked.connect(self.on_submit)
        self.password.returnPressed.connect(self.on_submit)
        self.body.addWidget(row(self.submit))
        self.body.addStretch(1)
        self.lock_while_busy(self.submit, self.terminal_id, self.password)

    def on_enter(self, **kwargs: Any) -> None:
        self.form.show_errors({})
        self.password.clear()
        self.terminal_id.setFocus()

    def validate(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if not TERMINAL_ID.match(self.terminal_id.text().strip()):
            errors["terminal_id"] = message("terminal_id_format")
        if not self.password.text():
            errors["password"] = message("terminal_password_required")
        return errors

    def on_submit(self) -> None:
        errors = self.validate()
        self.form.show_errors(errors)
        if errors:
            return
        terminal_id, password = self.terminal_id.text().strip(), self.password.text()
        registration = self.ctx.services.registration
        self.run("net", lambda: registration.precheck(terminal_id, password),
                 lambda pre: self.ctx.navigate("s10", precheck=pre, password=password),
                 working=tr("s09.checking"))
