"""The registered terminal's contact (画面10) and its input rules.

Required: place, terminal name, person, postal code (7 digits, entered as 3 + 4 boxes), address,
phone (digits and hyphens, at most 15 digits), email typed twice and equal. The ID-granting
business is required (pull-down) for category A terminals only. Input is NFKC-normalised
(full-width digits become ASCII) and stripped. `validate_contact` returns a Contact or raises
FieldErrors mapping each bad field to its Japanese message.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from terminal_app.domain.errors import FieldErrors
from terminal_app.messages import message

LABELS: dict[str, str] = {
    "id_business_id": "ID付与事業者名", "place": "設置場所", "name": "端末名",
    "person": "担当者名", "postal_code": "郵便番号", "address": "住所", "phone": "電話番号",
    "email": "メールアドレス", "email_confirm": "メールアドレス(確認用)",
}
LIMITS: dict[str, int] = {"place": 50, "name": 50, "person": 30, "address": 120, "email": 255}
REQUIRED = ("place", "name", "person", "postal_code", "address", "phone", "email",
            "email_confirm")
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
PHONE = re.compile(r"^[0-9]+(?:-[0-9]+)*$")


@dataclass(frozen=True)
class Contact:
    """The contact as the cloud stores it (docs/api.md `contact`)."""

    place: str = ""
    name: str = ""
    person: str = ""
    postal_code: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    id_business_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        if data["id_business_id"] is None:
            del data["id_business_id"]
        return data

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Contact:
        def text(key: str) -> str:
            return str(d.get(key) or "")
        business = d.get("id_business_id")
        return cls(text("place"), text("name"), text("person"), text("postal_code"),
                   text("address"), text("phone"), text("email"),
                   str(business) if business else None)


@dataclass
class ContactForm:
    """What the clerk typed on 画面10 (postal code in two boxes)."""

    place: str = ""
    name: str = ""
    person: str = ""
    postal_first: str = ""
    postal_second: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    email_confirm: str = ""
    id_business_id: str | None = None

    @classmethod
    def from_contact(cls, contact: Contact) -> ContactForm:
        code = contact.postal_code
        return cls(contact.place, contact.name, contact.person, code[:3], code[3:],
                   contact.address, contact.phone, contact.email, contact.email,
                   contact.id_business_id)


def normalize(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def postal_code(first: str, second: str) -> str | None:
    """The 7-digit code from the two boxes, or None when not 3 + 4 digits."""
    a, b = normalize(first).replace("-", ""), normalize(second)
    if not b and len(a) == 7:
        a, b = a[:3], a[3:]
    if re.fullmatch(r"[0-9]{3}", a) and re.fullmatch(r"[0-9]{4}", b):
        return a + b
    return None


def contact_errors(form: ContactForm, *, category: str,
                   id_business_ids: Iterable[str] = ()) -> dict[str, str]:
    """Field -> Japanese message for every rule `form` breaks (empty when valid)."""
    values = _values(form)
    errors: dict[str, str] = {}
    for name in REQUIRED:
        if not values[name]:
            errors[name] = message("required", label=LABELS[name])
    for name, limit in LIMITS.items():
        if name not in errors and len(values[name]) > limit:
            errors[name] = message("too_long", label=LABELS[name], limit=limit)
    _format_errors(form, values, errors)
    _business_error(form, category, set(id_business_ids), errors)
    return errors


def validate_contact(form: ContactForm, *, category: str,
                     id_business_ids: Iterable[str] = ()) -> Contact:
    """The validated Contact, or FieldErrors."""
    errors = contact_errors(form, category=category, id_business_ids=id_business_ids)
    if errors:
        raise FieldErrors(errors)
    v = _values(form)
    return Contact(v["place"], v["name"], v["person"],
                   postal_code(form.postal_first, form.postal_second) or "", v["address"],
                   v["phone"], v["email"],
                   normalize(form.id_business_id) if category == "A" else None)


def _values(form: ContactForm) -> dict[str, str]:
    values = {k: normalize(getattr(form, k)) for k in
              ("place", "name", "person", "address", "phone", "email", "email_confirm")}
    values["postal_code"] = normalize(form.postal_first) + normalize(form.postal_second)
    return values


def _format_errors(form: ContactForm, values: dict[str, str], errors: dict[str, str]) -> None:
    if "postal_code" not in errors and postal_code(form.postal_first, form.postal_second) is None:
        errors["postal_code"] = message("postal_format")
    phone = values["phone"]
    if "phone" not in errors and (not PHONE.match(phone) or len(phone.replace("-", "")) > 15):
        errors["phone"] = message("phone_format")
    if "email" not in errors and not EMAIL.match(values["email"]):
        errors["email"] = message("email_format")
    if "email" not in errors and "email_confirm" not in errors and \
            values["email"] != values["email_confirm"]:
        errors["email_confirm"] = message("email_mismatch")


def _business_error(form: ContactForm, category: str, allowed: set[str],
                    errors: dict[str, str]) -> None:
    if category != "A":
        return
    chosen = normalize(form.id_business_id)
    if not chosen:
        errors["id_business_id"] = message("id_business_required")
    elif allowed and chosen not in allowed:
        errors["id_business_id"] = message("id_business_unknown")
