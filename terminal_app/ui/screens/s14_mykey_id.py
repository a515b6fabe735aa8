"""画面14-17: マイキーIDの作成・登録 as a counter kiosk assist — card set (14), 4-digit PIN (15),
candidate by 自動生成 (≤3, the 3rd is final) or 重複チェック, password, email, notices and base
municipality (16), done (17)."""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QStackedWidget

from terminal_app.domain.mykey import NOTICES, MykeyProfile
from terminal_app.ui.context import UiContext
from terminal_app.ui.screens.base import Screen, button, label
from terminal_app.ui.strings import tr
from terminal_app.ui.widgets.form import FormGrid, line_edit, row
from terminal_app.ui.widgets.pages import page

log = logging.getLogger(__name__)

TITLES = ("s14.title", "s15.title", "s16.title", "s17.title")


class MykeyIdScreen(Screen):
    """Four pages; the card's signed challenge (the draft) lives only while the screen is used."""

    screen_id = "s14"
    title_key = "s14.title"

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.pages = QStackedWidget()
        self.body.addWidget(self.pages)
        self.draft: Any = None
        for build in (self._build_card, self._build_pin, self._build_form, self._build_done):
            build()

    def _build_card(self) -> None:
        widget, layout = page()
        layout.addWidget(label(tr("s14.lead"), "lead"))
        start = button(tr("s14.next"), primary=True, name="pinPageButton")
        start.clicked.connect(lambda: self.show_page(1))
        layout.addWidget(row(start))
        layout.addStretch(1)
        self.pages.addWidget(widget)

    def _build_pin(self) -> None:
        widget, layout = page()
        layout.addWidget(label(tr("s15.lead"), "lead"))
        self.pin = line_edit(4, password=True, name="pinEdit")
        self.pin.setFixedWidth(100)
        self.pin.returnPressed.connect(self.on_pin)
        self.pin_form = FormGrid()
        self.pin_form.add_row("pin", tr("s15.pin"), self.pin, required=True)
        layout.addWidget(self.pin_form)
        self.pin_ok = button(tr("s15.ok"), primary=True, name="pinOkButton")
        self.pin_ok.clicked.connect(self.on_pin)
        layout.addWidget(row(self.pin_ok))
        layout.addStretch(1)
        self.pages.addWidget(widget)
        self.lock_while_busy(self.pin_ok, self.pin)

    def _build_form(self) -> None:
        widget, layout = page()
        layout.addWidget(label(tr("s16.lead"), "lead"))
        self.candidate = line_edit(8, hint="MY123456", name="candidateEdit")
        self.auto_button = button(tr("s16.auto"), name="autoButton")
        self.check_button = button(tr("s16.check"), name="checkButton")
        self.auto_button.clicked.connect(self.on_generate)
        self.check_button.clicked.connect(self.on_check)
        self.candidate_form = FormGrid()
        self.candidate_form.add_row("candidate", tr("s16.candidate"),
                                    row(self.candidate, self.auto_button, self.check_button),
                                    required=True, inputs=[self.candidate])
        layout.addWidget(self.candidate_form)
        self.candidate_state = label("", "status")
        layout.addWidget(self.candidate_state)
        layout.addWidget(label(tr("s16.auto_lead"), "lead"))
        layout.addWidget(label(tr("s16.check_lead"), "lead"))
        layout.addWidget(label(tr("s16.password_lead"), "sectionTitle"))
        self._build_profile(layout)
        self.submit = button(tr("s16.submit"), primary=True, name="submitButton")
        self.submit.clicked.connect(self.on_submit)
        layout.addWidget(row(self.submit))
        layout.addStretch(1)
        self.pages.addWidget(widget)
        self.lock_while_busy(self.auto_button, self.check_button, self.submit)

    def _build_profile(self, layout: Any) -> None:
        self.profile_form = FormGrid()
        self.password = line_edit(16, password=True, name="passwordEdit")
        self.password2 = line_edit(16, password=True, name="password2Edit")
        self.email = line_edit(255, name="emailEdit")
        self.email2 = line_edit(255, name="email2Edit")
        form = self.profile_form
        form.add_row("password", tr("s16.password"), self.password, required=True,
                     help_text=tr("s16.password_help"))
        form.add_row("password2", tr("s16.password2"), self.password2, required=True,
                     help_text=tr("s16.confirm_help"))
        form.add_row("email", tr("s16.email"), self.email)
        form.add_row("email2", tr("s16.email2"), self.email2, help_text=tr("s16.confirm_help"))
        layout.addWidget(form)
        layout.addWidget(label(tr("s16.notices"), "lead"))
        self.notices = {name: QCheckBox(tr(f"s16.{name}")) for name in NOTICES}
        for box in self.notices.values():
            layout.addWidget(box)
        self.base = QComboBox()
        self.base.setObjectName("baseCombo")
        self.base.setEditable(True)
        self.base_form = FormGrid()
        self.base_form.add_row("base", tr("s16.base"), self.base, required=True,
                               help_text=tr("s16.base_help"))
        layout.addWidget(self.base_form)

    def _build_done(self) -> None:
        widget, layout = page()
        layout.addWidget(label(tr("s17.lead"), "lead"))
        layout.addWidget(label(tr("s17.mykey_id"), "sectionTitle"))
        self.created = label("", "bigNumber")
        layout.addWidget(self.created)
        again = button(tr("s17.again"), name="againButton")
        again.clicked.connect(lambda: self.enter())
        menu = button(tr("nav.back_menu"), name="menuButton")
        menu.clicked.connect(self.go_menu)
        layout.addWidget(row(again, menu))
        layout.addStretch(1)
        self.pages.addWidget(widget)

    def show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.title_label.setText(tr(TITLES[index]))
        if index == 1:
            self.pin.setFocus()

    # flow -------------------------------------------------------------------------------------
    def on_enter(self, **kwargs: Any) -> None:
        self.draft = None
        for edit in (self.pin, self.candidate, self.password, self.password2, self.email,
                     self.email2):
            edit.clear()
        for box in self.notices.values():
            box.setChecked(False)
        self.candidate.setReadOnly(False)
        self.candidate_state.setText("")
        for form in (self.pin_form, self.candidate_form, self.profile_form, self.base_form):
            form.show_errors({})
        self._fill_municipalities()
        self.show_page(0)

    def _fill_municipalities(self) -> None:
        self.base.clear()
        if self.ctx.terminal is not None:
            municipality = self.ctx.terminal.municipality
            self.base.addItem(f"{municipality.code} {municipality.name}", municipality.code)

    def on_pin(self) -> None:
        pin, mykey_ids = self.pin.text(), self.ctx.services.mykey_ids
        self.pin.clear()
        self.run("card", lambda: mykey_ids.start(pin), self._started, working=tr("s15.working"),
                 retry=False)

    def _started(self, draft: Any) -> None:
        self.draft = draft
        self.show_page(2)

    def on_generate(self) -> None:
        mykey_ids, draft = self.ctx.services.mykey_ids, self.draft
        self.run("net", lambda: mykey_ids.generate(draft), self._candidate,
                 working=tr("s16.working"))

    def on_check(self) -> None:
        mykey_ids, draft, text = self.ctx.services.mykey_ids, self.draft, self.candidate.text()
        self.run("net", lambda: mykey_ids.check(draft, text), self._candidate,
                 working=tr("s16.working"))

    def _candidate(self, draft: Any) -> None:
        self.draft = draft
        found = draft.candidate
        if found.candidate:
            self.candidate.setText(found.candidate)
        self.candidate.setReadOnly(found.final)
        self.auto_button.setEnabled(not found.final)
        self.check_button.setEnabled(not found.final)
        if found.final:
            text = tr("s16.final")
        elif found.available:
            text = tr("s16.available") + " " + tr("s16.left", left=found.generations_left)
        else:
            text = tr("s16.taken", failures=found.check_failures)
        self.candidate_state.setText(text)

    def profile(self) -> MykeyProfile:
        code = self.base.currentData() or self.base.currentText().split(" ")[0]
        return MykeyProfile(self.password.text(), self.password2.text(), str(code or ""),
                            self.email.text(), self.email2.text(),
                            {name: box.isChecked() for name, box in self.notices.items()})

    def on_submit(self) -> None:
        candidate = getattr(self.draft, "candidate", None)
        if candidate is None or not candidate.available:
            self.candidate_form.show_errors({"candidate": tr("s16.no_candidate")})
            return
        self.candidate_form.show_errors({})
        mykey_ids, draft, profile = self.ctx.services.mykey_ids, self.draft, self.profile()
        # one Idempotency-Key for what is sent: 再試行 after a lost answer re-sends it and gets
        # the MyKey ID created, not "challenge expired" for its own creation
        key = self.operation_key((draft.challenge_id, candidate.candidate, profile))
        self.run("net", lambda: mykey_ids.create(draft, profile, key=key), self._created,
                 working=tr("s16.registering"))

    def _created(self, created: Any) -> None:
        self.draft = None
        self.password.clear()
        self.password2.clear()
        self.created.setText(str(created.mykey_id))
        self.show_page(3)
