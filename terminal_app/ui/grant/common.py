"""What the grant screens share: their services, a base screen, the business picker and the
person form (画面72/79)."""
from __future__ import annotations

import logging

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from terminal_app.grant_support.models import PERSON_FIELDS, GrantBusiness, Person
from terminal_app.grant_support.services import GrantServices, build_grant_services
from terminal_app.ui.context import UiContext
from terminal_app.ui.grant.strings import tr
from terminal_app.ui.screens.base import Screen
from terminal_app.ui.widgets.form import FormGrid, line_edit, row

log = logging.getLogger(__name__)

MAX_LENGTHS = {"name": 50, "birth_date": 20, "address": 120, "sex": 8, "phone": 20,
               "email": 255, "notes": 200}


def grant_services(ctx: UiContext) -> GrantServices:
    """The grant services of this window (made on first use, kept on the UI context)."""
    if ctx.grant_services is None:
        ctx.grant_services = build_grant_services(ctx.services)
    return ctx.grant_services


class GrantScreen(Screen):
    """A grant screen: title from the grant catalogue, メニューへ goes to 画面70."""

    grant_title = ""
    menu_target: str | None = "g70"

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.title_label.setText(tr(self.grant_title))

    @property
    def grants(self) -> GrantServices:
        return grant_services(self.ctx)


class BusinessPicker(QComboBox):
    """ポイント付与事業名 ▼ — the synced 付与事業マスタ."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("businessPicker")

    def fill(self, businesses: list[GrantBusiness]) -> None:
        current = self.business_id
        self.clear()
        for business in businesses:
            self.addItem(business.name, business.business_id)
        index = self.findData(current)
        self.setCurrentIndex(index if index >= 0 else (0 if businesses else -1))

    @property
    def business_id(self) -> str:
        return str(self.currentData() or "")


class PersonForm(FormGrid):
    """名前 … 備考 (only the fields chosen on 画面69) and the MyKey ID."""

    def __init__(self, mykey_button: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edits: dict[str, QLineEdit] = {}
        self.rows: dict[str, QWidget] = {}
        for key, label in PERSON_FIELDS:
            edit = line_edit(MAX_LENGTHS[key], name=f"{key}Edit")
            self.edits[key] = edit
            self.add_row(key, label, edit)
        self.mykey_edit = line_edit(8, name="mykeyEdit")
        self.mykey_edit.setReadOnly(True)
        self.add_row("mykey_id", tr("g72.mykey_id"), row(self.mykey_edit, mykey_button),
                     required=True, inputs=[self.mykey_edit])

    def use_fields(self, fields: tuple[str, ...]) -> None:
        for key, edit in self.edits.items():
            edit.setEnabled(key in fields)
            edit.setVisible(key in fields)

    def values(self) -> dict[str, str]:
        out = {k: e.text() for k, e in self.edits.items() if e.isEnabled()}
        out["mykey_id"] = self.mykey_edit.text()
        return out

    def fill(self, person: Person) -> None:
        """Put the card's (or the master's) values into the enabled fields."""
        for key, value in person.to_json().items():
            if key in self.edits and value and self.edits[key].isEnabled():
                self.edits[key].setText(_display(key, value))

    def fill_text(self, values: dict[str, str]) -> None:
        for key, value in values.items():
            if key in self.edits and value and self.edits[key].isEnabled():
                self.edits[key].setText(value)

    def clear_all(self) -> None:
        for edit in (*self.edits.values(), self.mykey_edit):
            edit.clear()
        self.show_errors({})


def _display(key: str, value: str) -> str:
    if key == "birth_date" and len(value) == 10:
        year, month, day = value.split("-")
        return f"{year}年{month}月{day}日"
    return value
