"""画面10: 登録端末の連絡先の登録 (first start) and 連絡先の変更 (from the menu), one form."""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QComboBox

from terminal_app.domain.contact import ContactForm, contact_errors
from terminal_app.ui.context import UiContext
from terminal_app.ui.screens.base import Screen, button, label
from terminal_app.ui.strings import tr
from terminal_app.ui.widgets.form import FormGrid, line_edit, row
from terminal_app.ui.widgets.postal import PostalCodeEdit

log = logging.getLogger(__name__)

TEXT_FIELDS = (  # key, label key, max length, help key
    ("place", "s10.place", 50, "s10.place_help"),
    ("name", "s10.name", 50, ""),
    ("person", "s10.person", 30, "s10.person_help"),
)
TAIL_FIELDS = (
    ("address", "s10.address", 120, "s10.address_help"),
    ("phone", "s10.phone", 20, "s10.phone_help"),
    ("email", "s10.email", 255, "s10.email_help"),
    ("email_confirm", "s10.email2", 255, "s10.email2_help"),
)
FIELD_ALIASES = {"postal": "postal_code", "email2": "email_confirm",
                 "email_confirmation": "email_confirm", "id_business": "id_business_id"}


class ContactScreen(Screen):
    """The contact form; `on_enter(precheck=…, password=…)` registers, `on_enter()` edits."""

    screen_id = "s10"
    title_key = "s10.title"
    menu_target = None

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.category_label = label("", "sectionTitle")
        self.body.addWidget(self.category_label)
        self.body.addWidget(label(tr("s10.lead"), "lead"))
        self.form = FormGrid()
        self.edits: dict[str, Any] = {}
        self.business = QComboBox()
        self.business.setObjectName("idBusinessCombo")
        self.form.add_row("id_business_id", tr("s10.id_business"), self.business,
                          help_text=tr("s10.id_business_help"))
        self._add_text_rows(TEXT_FIELDS)
        self.postal = PostalCodeEdit()
        self.postal.search_requested.connect(self.on_postal_search)
        self.form.add_row("postal_code", tr("s10.postal"), self.postal, required=True,
                          help_text=tr("s10.postal_help"), inputs=self.postal.inputs())
        self._add_text_rows(TAIL_FIELDS)
        self.body.addWidget(self.form)
        self.submit = button(tr("s10.submit"), primary=True, name="submitButton")
        self.submit.clicked.connect(self.on_submit)
        self.body.addWidget(row(self.submit))
        self.body.addStretch(1)
        self.lock_while_busy(self.submit, self.postal.search)
        self._precheck: Any = None
        self._password = ""

    def _add_text_rows(self, specs: tuple[tuple[str, str, int, str], ...]) -> None:
        for key, label_key, limit, help_key in specs:
            edit = line_edit(limit, name=f"{key}Edit")
            self.edits[key] = edit
            self.form.add_row(key, tr(label_key), edit, required=True,
                              help_text=tr(help_key) if help_key else "")

    # entering ---------------------------------------------------------------------------------
    def on_enter(self, precheck: Any = None, password: str = "", **kwargs: Any) -> None:
        self._precheck, self._password = precheck, password
        self.form.show_errors({})
        editing = precheck is None
        self.menu_target = "menu" if editing else None
        self.menu_link.setVisible(editing)
        self.title_label.setText(tr("s10.title_edit" if editing else "s10.title"))
        source = self.ctx.terminal if editing else precheck
        category = str(getattr(source, "category", ""))
        self.category_label.setText(tr(f"category.{category}") if category else "")
        self._fill_businesses(source, category)
        if editing:
            self._fill_contact(getattr(self.ctx.terminal, "contact", None))

    def _fill_businesses(self, source: Any, category: str) -> None:
        self.business.clear()
        if category != "A":
            self.business.addItem(tr("s10.id_business_na"), None)
            self.business.setEnabled(False)
            return
        self.business.setEnabled(True)
        self.business.addItem("", None)
        businesses = getattr(source, "id_businesses", None)
        if businesses is None and getattr(source, "id_business", None) is not None:
            businesses = [source.id_business]
        for item in businesses or []:
            self.business.addItem(str(item.name), str(item.id))

    def _fill_contact(self, contact: Any) -> None:
        if contact is None:
            return
        for key, edit in self.edits.items():
            value = getattr(contact, "email" if key == "email_confirm" else key, "")
            edit.setText(str(value or ""))
        self.postal.set_code(str(getattr(contact, "postal_code", "") or ""))
        index = self.business.findData(getattr(contact, "id_business_id", None))
        if index >= 0:
            self.business.setCurrentIndex(index)

    # actions ----------------------------------------------------------------------------------
    def contact_form(self) -> ContactForm:
        """What the clerk typed, as the core's form object."""
        values = {key: edit.text() for key, edit in self.edits.items()}
        return ContactForm(postal_first=self.postal.first.text(),
                           postal_second=self.postal.second.text(),
                           id_business_id=self.business.currentData(), **values)

    def _category_and_businesses(self) -> tuple[str, list[str]]:
        source = self._precheck if self._precheck is not None else self.ctx.terminal
        category = str(getattr(source, "category", ""))
        ids = [str(self.business.itemData(i)) for i in range(self.business.count())
               if self.business.itemData(i)]
        return category, ids

    def on_postal_search(self, code: str) -> None:
        postal = self.ctx.services.postal
        first, second = self.postal.first.text(), self.postal.second.text()
        self.run("local", lambda: postal.lookup(first, second), self._postal_found,
                 on_error=self._postal_error)

    def _postal_error(self, exc: BaseException) -> bool:
        text = getattr(exc, "message", "")
        if not text:
            return False
        self.form.show_errors({"postal_code": text})
        return True

    def _postal_found(self, address: Any) -> None:
        self.form.show_errors({})
        text = str(address.address)
        self.edits["address"].setText(text)
        self.edits["address"].setFocus()
        self.edits["address"].end(False)

    def on_submit(self) -> None:
        """Validate inline first (nothing is sent while a field is wrong), then register/save."""
        form = self.contact_form()
        category, ids = self._category_and_businesses()
        errors = contact_errors(form, category=category, id_business_ids=ids)
        self.form.show_errors(errors)
        if errors:
            self.status.error(tr("s10.fix_errors"))
            return
        registration, precheck = self.ctx.services.registration, self._precheck
        if precheck is None:
            self.run("net", lambda: registration.update_contact(form), self._saved,
                     working=tr("s10.saving"), on_error=self._field_errors)
            return
        password = self._password
        self.run("net", lambda: registration.register(precheck.terminal_id, password, form,
                                                      precheck=precheck),
                 self._registered, working=tr("s10.registering"), on_error=self._field_errors)

    def _field_errors(self, exc: BaseException) -> bool:
        errors = getattr(exc, "errors", None)
        if not isinstance(errors, dict):
            return False
        self.form.show_errors({FIELD_ALIASES.get(str(k), str(k)): v for k, v in errors.items()})
        self.status.error(tr("s10.fix_errors"))
        return True

    def _registered(self, terminal: Any) -> None:
        self._password = ""
        self.ctx.terminal = terminal
        self.ctx.navigate("menu")

    def _saved(self, terminal: Any) -> None:
        self.ctx.terminal = terminal
        self.ctx.navigate("menu", notice=tr("s10.saved"))
