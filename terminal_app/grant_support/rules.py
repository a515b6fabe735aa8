"""Input rules of the grant screens: each bad field becomes a Japanese message (FieldErrors)."""
from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from terminal_app.domain.contact import ContactForm, contact_errors
from terminal_app.domain.errors import FieldErrors
from terminal_app.domain.rules import MYKEY_ID
from terminal_app.grant_support.models import PERSON_FIELDS, Person
from terminal_app.messages import message

COLLATION = re.compile(r"^[0-9]{14}$")
BIRTH_JA = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$")
PAST_DAYS = 366
LIMITS = {"name": 50, "address": 120, "sex": 8, "phone": 20, "email": 255, "notes": 200}
LABELS = dict(PERSON_FIELDS)


def clean(text: str | None) -> str:
    """NFKC (full-width digits → ASCII) and trimmed."""
    return unicodedata.normalize("NFKC", text or "").strip()


def collation_number(text: str) -> str:
    value = clean(text)
    if not COLLATION.match(value):
        raise FieldErrors({"collation": message("grant_collation_format")})
    return value


def grant_date(text: str, today: date) -> str:
    """付与日 (画面73): a date from a year ago through today, as YYYY-MM-DD. A grant business
    grants one person once per 付与日 (the cloud holds the rule for every device)."""
    value = clean(text).replace("/", "-")
    try:
        day = date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        day = None
    if day is None or not today - timedelta(days=PAST_DAYS) <= day <= today:
        raise FieldErrors({"grant_date": message("grant_date_format")})
    return day.isoformat()


def birth_date(text: str | None) -> date | None:
    value = clean(text)
    if not value:
        return None
    found = BIRTH_JA.match(value)
    try:
        if found:
            return date(int(found[1]), int(found[2]), int(found[3]))
        return date.fromisoformat(value.replace("/", "-"))
    except ValueError:
        raise FieldErrors({"birth_date": message("grant_birth_format")}) from None


def person(values: dict[str, str], fields: tuple[str, ...]) -> Person:
    """A Person from form text; only `fields` (画面69) are kept; MyKey ID is required."""
    errors: dict[str, str] = {}
    mykey_id = clean(values.get("mykey_id")).upper()
    if not mykey_id:
        errors["mykey_id"] = message("grant_mykey_required")
    elif not MYKEY_ID.match(mykey_id):
        errors["mykey_id"] = message("grant_mykey_format")
    texts = {k: clean(values.get(k)) or None for k in LIMITS}
    for key, limit in LIMITS.items():
        if texts[key] and len(texts[key] or "") > limit:
            errors[key] = message("grant_field_too_long", label=LABELS[key], limit=limit)
    _formats(texts, errors)
    birth = _birth(values.get("birth_date"), errors)
    if errors:
        raise FieldErrors(errors)
    return Person(mykey_id, texts["name"], birth, texts["address"], texts["sex"],
                  texts["phone"], texts["email"], texts["notes"]).only(fields)


def _formats(texts: dict[str, str | None], errors: dict[str, str]) -> None:
    """Phone and e-mail follow 画面10's contact rules (terminal_app.domain.contact), the same
    function and messages: digits and single hyphens with at most 15 digits, a plain address."""
    phone, email = texts["phone"] or "", texts["email"] or ""
    found = contact_errors(ContactForm(phone=phone, email=email, email_confirm=email),
                           category="I")
    for key, value in (("phone", phone), ("email", email)):
        if value and key not in errors and key in found:
            errors[key] = found[key]


def _birth(text: str | None, errors: dict[str, str]) -> date | None:
    try:
        return birth_date(text)
    except FieldErrors as exc:
        errors.update(exc.errors)
        return None
