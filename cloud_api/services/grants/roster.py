"""The 付与事業対象者名簿 and 対象者マスタ of a municipality: list, validate and merge uploads.

An upload is validated as a whole before anything is written: one bad entry rejects all of them
(422 with the entry's index), so a roster is never half-updated.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cloud_api.errors import FieldError, ValidationError, api_message
from cloud_api.models.accounts import GrantBusiness, Municipality, Point
from cloud_api.models.grants import GrantPerson, GrantRosterEntry
from cloud_api.services import validation
from cloud_api.services.ledger.grants_lookup import business_and_point
from cloud_api.services.ledger.refs import MAX_AMOUNT

log = logging.getLogger(__name__)

MYKEY_ID = re.compile(r"^[0-9A-Z]{8}$")
MAX_ENTRIES = 5000
PERSON_LIMITS = {"name": 50, "address": 120, "sex": 8, "phone": 20, "email": 255, "notes": 200}


@dataclass(frozen=True)
class RosterInput:
    """One validated roster row with its person-master fields (None = not kept)."""

    mykey_id: str
    points: int
    person: dict[str, Any]


def businesses_json(session: Session, municipality_code: str) -> dict[str, Any]:
    """The grant-business master of the terminal's municipality (synced at every login)."""
    town = session.get(Municipality, municipality_code)
    rows = session.execute(select(GrantBusiness, Point).join(
        Point, Point.id == GrantBusiness.point_id).where(
        GrantBusiness.municipality_code == municipality_code).order_by(
        GrantBusiness.business_id)).all()
    return {"municipality": {"code": municipality_code, "name": town.name if town else ""},
            "grant_businesses": [_business_json(b, p) for b, p in rows]}


def _business_json(b: GrantBusiness, p: Point) -> dict[str, Any]:
    return {"business_id": b.business_id, "name": b.name, "department": b.department,
            "point_id": f"{p.id:08d}", "point_name": p.name, "validity_days": p.validity_days,
            "points_per_grant": b.points_per_grant, "notes": b.notes,
            "updated_at": b.updated_at.isoformat(timespec="seconds")}


def roster_json(session: Session, municipality_code: str, business_id: str) -> dict[str, Any]:
    """The roster of one business: MyKey IDs and points (what a mobile device syncs)."""
    business, _ = business_and_point(session, municipality_code, business_id)
    entries = session.scalars(select(GrantRosterEntry).where(
        GrantRosterEntry.grant_business_id == business.id).order_by(GrantRosterEntry.mykey_id))
    return {"grant_business_id": business.business_id,
            "entries": [{"mykey_id": e.mykey_id, "points": e.points} for e in entries]}


def parse_entries(data: Any) -> list[RosterInput]:
    """Validate an upload body's `entries`; every problem is reported, nothing is written."""
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not 1 <= len(entries) <= MAX_ENTRIES:
        raise ValidationError(errors=[_error("entries", "roster_entries_invalid")])
    errors: list[FieldError] = []
    parsed = [_entry(i, raw, errors) for i, raw in enumerate(entries)]
    if errors:
        raise ValidationError(errors=errors)
    return [p for p in parsed if p is not None]


def _entry(index: int, raw: Any, errors: list[FieldError]) -> RosterInput | None:
    where = f"entries[{index}]"
    if not isinstance(raw, dict):
        errors.append(_error(where, "roster_entries_invalid"))
        return None
    mykey_id, points = raw.get("mykey_id"), raw.get("points")
    if not isinstance(mykey_id, str) or not MYKEY_ID.fullmatch(mykey_id):
        errors.append(_error(f"{where}.mykey_id", "mykey_id_invalid"))
    if isinstance(points, bool) or not isinstance(points, int) or not 0 < points <= MAX_AMOUNT:
        errors.append(_error(f"{where}.points", "amount_invalid"))
    person = _person(where, raw.get("person") or {}, errors)
    if errors:
        return None
    return RosterInput(str(mykey_id), int(points), person)  # type: ignore[arg-type]


def _person(where: str, raw: Any, errors: list[FieldError]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        errors.append(_error(f"{where}.person", "roster_entries_invalid"))
        return {}
    person: dict[str, Any] = {}
    for name, limit in PERSON_LIMITS.items():
        value = raw.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            errors.append(_error(f"{where}.person.{name}", "roster_person_field_invalid"))
        person[name] = value or None
    _contact(where, person, errors)
    person["birth_date"] = _birth(where, raw.get("birth_date"), errors)
    return person


def _contact(where: str, person: dict[str, Any], errors: list[FieldError]) -> None:
    """Phone and e-mail by the cloud's contact rules (the ones 画面10's registration meets)."""
    checks = (("phone", validation.check_phone), ("email", validation.check_email))
    for name, check in checks:
        field = f"{where}.person.{name}"
        if isinstance(person.get(name), str) and not any(e.field == field for e in errors) \
                and check(person, name) is not None:
            errors.append(_error(field, "roster_person_field_invalid"))


def _birth(where: str, value: Any, errors: list[FieldError]) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.append(_error(f"{where}.person.birth_date", "roster_person_field_invalid"))
        return None


def _error(field: str, code: str) -> FieldError:
    return FieldError(field, code, api_message(code))


def merge_entries(session: Session, municipality_code: str, business_id: str, terminal_id: str,
                  entries: list[RosterInput], now: datetime) -> dict[str, int]:
    """Add or overwrite roster rows and person-master rows (two reads, whatever the size)."""
    business, _ = business_and_point(session, municipality_code, business_id)
    ids = [e.mykey_id for e in entries]
    rows = {r.mykey_id: r for r in session.scalars(select(GrantRosterEntry).where(
        GrantRosterEntry.grant_business_id == business.id, GrantRosterEntry.mykey_id.in_(ids)))}
    persons = {p.mykey_id: p for p in session.scalars(select(GrantPerson).where(
        GrantPerson.municipality_code == municipality_code, GrantPerson.mykey_id.in_(ids)))}
    added = 0
    for entry in entries:
        row = rows.get(entry.mykey_id)
        if row is None:
            added += 1
            rows[entry.mykey_id] = GrantRosterEntry(
                grant_business_id=business.id, mykey_id=entry.mykey_id, points=entry.points,
                source_terminal_id=terminal_id, created_at=now, updated_at=now)
            session.add(rows[entry.mykey_id])
        else:
            row.points, row.updated_at = entry.points, now
        _store_person(session, persons, municipality_code, entry, now)
    session.flush()
    counts = {"added": added, "updated": len(entries) - added, "count": len(entries)}
    log.info("roster %s/%s by %s: %s", municipality_code, business_id, terminal_id, counts)
    return counts


def _store_person(session: Session, persons: dict[str, GrantPerson], code: str,
                  entry: RosterInput, now: datetime) -> None:
    if not any(v is not None for v in entry.person.values()):
        return
    person = persons.get(entry.mykey_id)
    if person is None:
        person = persons[entry.mykey_id] = GrantPerson(municipality_code=code,
                                                       mykey_id=entry.mykey_id)
        session.add(person)
    for name, value in entry.person.items():
        setattr(person, name, value)
    person.updated_at = now


def roster_points(session: Session, business: GrantBusiness, mykey_id: str) -> int | None:
    """The points of `mykey_id` on the roster of `business`, or None when not listed."""
    return session.scalar(select(GrantRosterEntry.points).where(
        GrantRosterEntry.grant_business_id == business.id,
        GrantRosterEntry.mykey_id == mykey_id))
