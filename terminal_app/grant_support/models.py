"""Value objects of the grant business support system (Qt-free)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from terminal_app.domain.models import JST


def today_jst() -> date:
    """Today in Japan: the 付与日 the cloud counts grants by, whatever the PC's time zone."""
    return datetime.now(JST).date()

# 画面69's optional person fields, in screen order (key, Japanese label)
PERSON_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "名前"), ("birth_date", "生年月日"), ("address", "住所"), ("sex", "性別"),
    ("phone", "電話番号"), ("email", "メールアドレス"), ("notes", "備考"))
FIELD_KEYS = tuple(key for key, _ in PERSON_FIELDS)


@dataclass(frozen=True)
class GrantBusiness:
    """A row of the 付与事業マスタ as synced from the cloud."""

    business_id: str
    name: str
    department: str
    point_id: str
    point_name: str
    points_per_grant: int
    validity_days: int

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> GrantBusiness:
        return cls(str(d["business_id"]), str(d["name"]), str(d["department"]),
                   str(d["point_id"]), str(d["point_name"]), int(d["points_per_grant"]),
                   int(d["validity_days"]))


@dataclass(frozen=True)
class Person:
    """A row of the 対象者マスタ (only the fields chosen on 画面69 are kept)."""

    mykey_id: str
    name: str | None = None
    birth_date: date | None = None
    address: str | None = None
    sex: str | None = None
    phone: str | None = None
    email: str | None = None
    notes: str | None = None

    def only(self, fields: tuple[str, ...]) -> Person:
        """This person with every field not in `fields` dropped (not kept on this PC)."""
        dropped: dict[str, Any] = {k: None for k in FIELD_KEYS if k not in fields}
        return replace(self, **dropped)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: getattr(self, k) for k in FIELD_KEYS}
        out["birth_date"] = self.birth_date.isoformat() if self.birth_date else None
        return out

    def __repr__(self) -> str:
        return f"Person({self.mykey_id}, <personal data>)"


@dataclass(frozen=True)
class RosterRow:
    """One line of 画面73: roster entry joined with its person-master row."""

    business_id: str
    person: Person
    points: int
    synced: bool = True

    @property
    def mykey_id(self) -> str:
        return self.person.mykey_id


@dataclass(frozen=True)
class RosterPage:
    """A page of the roster view with the total count (対象者数)."""

    rows: tuple[RosterRow, ...]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class OfflineRead:
    """A card read by the mobile grant device, kept until the cloud has decided it."""

    client_ref: str
    business_id: str
    cert_der: bytes = field(repr=False)
    cert_serial: str
    read_at: str
    outcome: str | None = None
    mykey_id: str | None = None
    amount: int = 0
    txn_no: str | None = None
    reason: str | None = None

    @property
    def grant_date(self) -> str:
        """The 付与日 of this read: its JST day (the cloud grants a person once per day)."""
        return datetime.fromisoformat(self.read_at).astimezone(JST).date().isoformat()


@dataclass(frozen=True)
class GrantDone:
    """What one grant to a checked person gave (PC grant, 画面73)."""

    mykey_id: str
    amount: int
    txn_no: str
    replayed: bool = False
