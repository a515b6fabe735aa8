"""Typed results of the cloud API (docs/api.md), built from its JSON by `from_json`.

Parsers are strict about the keys the contract promises: a missing key raises KeyError/ValueError,
which the API client reports as a bad response. Points are ints, times aware datetimes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from terminal_app.domain.contact import Contact

Json = dict[str, Any]
JST = timezone(timedelta(hours=9), "JST")   # business days and 付与日 are Japanese days


def parse_dt(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"time without offset: {value}")
    return parsed


def parse_day(value: str) -> date:
    """A day given as YYYY-MM-DD, or the (local) day of a time with offset."""
    if len(value) == 10:
        return date.fromisoformat(value)
    return parse_dt(value).date()


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"integer expected: {value!r}")
    return value


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str

    @classmethod
    def from_json(cls, d: Json) -> Municipality:
        return cls(str(d["code"]), str(d["name"]))


@dataclass(frozen=True)
class IdBusinessRef:
    """An ID-granting business (ID付与事業者) as listed for choice."""

    id: str
    name: str

    @classmethod
    def from_json(cls, d: Json) -> IdBusinessRef:
        return cls(str(d["id"]), str(d["name"]))


@dataclass(frozen=True)
class IdBusiness:
    """The business of a category-A terminal with its lookup mode and barcode symbology."""

    id: str
    name: str
    lookup_mode: str = "number"
    symbology: str = "code128"

    @classmethod
    def from_json(cls, d: Json) -> IdBusiness:
        return cls(str(d["id"]), str(d["name"]), str(d.get("lookup_mode") or "number"),
                   str(d.get("symbology") or "code128"))


@dataclass(frozen=True)
class Precheck:
    """画面9's answer: what this terminal ID is, before registration."""

    terminal_id: str
    category: str
    also_point_use: bool
    municipality: Municipality
    id_businesses: tuple[IdBusinessRef, ...]
    registered: bool

    @classmethod
    def from_json(cls, d: Json) -> Precheck:
        return cls(str(d["terminal_id"]), str(d["category"]), bool(d.get("also_point_use")),
                   Municipality.from_json(d["municipality"]),
                   tuple(IdBusinessRef.from_json(b) for b in d.get("id_businesses") or ()),
                   bool(d.get("registered")))


@dataclass(frozen=True)
class TerminalInfo:
    """`GET /terminal`: this terminal as the cloud knows it."""

    terminal_id: str
    category: str
    also_point_use: bool
    permissions: tuple[str, ...]
    municipality: Municipality
    id_business: IdBusiness | None
    contact: Contact

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    @classmethod
    def from_json(cls, d: Json) -> TerminalInfo:
        business = d.get("id_business")
        return cls(str(d["terminal_id"]), str(d["category"]), bool(d.get("also_point_use")),
                   tuple(str(p) for p in d["permissions"]),
                   Municipality.from_json(d["municipality"]),
                   IdBusiness.from_json(business) if business else None,
                   Contact.from_json(d.get("contact") or {}))


@dataclass(frozen=True)
class Balance:
    """One point usable at this terminal now (画面29's table row)."""

    point_id: str
    kind: str
    name: str
    balance: int
    expires_next: date | None = None

    @property
    def kind_label(self) -> str:
        return "特定支援イベント" if self.kind == "event" else "自治体ポイント"

    @classmethod
    def from_json(cls, d: Json) -> Balance:
        expires = d.get("expires_next")
        return cls(str(d["point_id"]), str(d["kind"]), str(d["name"]), _int(d["balance"]),
                   date.fromisoformat(expires) if expires else None)


@dataclass(frozen=True)
class CardRead:
    """A card read and resolved by the cloud: token for the next operations, balances."""

    card_token: str
    expires_at: datetime
    mykey_id: str
    balances: tuple[Balance, ...]
    read_at: datetime
    customer_id: str | None = None

    def balance_of(self, point_id: str) -> Balance | None:
        return next((b for b in self.balances if b.point_id == point_id), None)

    @classmethod
    def from_json(cls, d: Json, read_at: datetime) -> CardRead:
        return cls(str(d["card_token"]), parse_dt(d["expires_at"]), str(d["mykey_id"]),
                   tuple(Balance.from_json(b) for b in d["balances"]), read_at,
                   d.get("customer_id"))


@dataclass(frozen=True)
class Receipt:
    """The result of a point use (or merge / grant): 取引済番号 and the balance after it."""

    txn_no: str
    terminal_id: str
    point_id: str
    point_name: str
    amount: int
    balance_after: int
    executed_at: datetime

    @classmethod
    def from_json(cls, d: Json) -> Receipt:
        return cls(str(d["txn_no"]), str(d["terminal_id"]), str(d["point_id"]),
                   str(d["point_name"]), _int(d["amount"]), _int(d["balance_after"]),
                   parse_dt(d["executed_at"]))


@dataclass(frozen=True)
class VoucherIssue:
    """A printed point voucher (ポイント券, 画面34)."""

    voucher_no: str
    txn_no: str
    point_name: str
    amount: int
    issued_at: datetime
    expires_on: date
    balance_after: int
    issue_type: str = "ポイント券"
    reprint: bool = False   # 再発行: printed marked 【再発行】

    @classmethod
    def from_json(cls, d: Json) -> VoucherIssue:
        return cls(str(d["voucher_no"]), str(d["txn_no"]), str(d["point_name"]),
                   _int(d["amount"]), parse_dt(d["issued_at"]), parse_day(d["expires_at"]),
                   _int(d["balance_after"]), str(d.get("issue_type") or "ポイント券"))


@dataclass(frozen=True)
class VoucherInfo:
    """A voucher as read before redemption (画面35)."""

    voucher_no: str
    point_name: str
    amount: int
    issued_at: datetime
    expires_on: date
    state: str
    issue_place: str
    validity_days: int

    @classmethod
    def from_json(cls, d: Json) -> VoucherInfo:
        return cls(str(d["voucher_no"]), str(d["point_name"]), _int(d["amount"]),
                   parse_dt(d["issued_at"]), parse_day(d["expires_at"]), str(d["state"]),
                   str(d.get("issue_place") or ""), _int(d["validity_days"]))


@dataclass(frozen=True)
class VoucherRedemption:
    """A redeemed voucher (画面36's receipt)."""

    voucher_no: str
    txn_no: str
    amount: int
    point_name: str
    place: str
    executed_at: datetime

    @classmethod
    def from_json(cls, d: Json) -> VoucherRedemption:
        return cls(str(d["voucher_no"]), str(d["txn_no"]), _int(d["amount"]),
                   str(d["point_name"]), str(d.get("place") or ""), parse_dt(d["executed_at"]))


@dataclass(frozen=True)
class Linkage:
    """The encrypted linkage file the cloud made for the shopping-street software."""

    format: str
    filename: str
    content: bytes


@dataclass(frozen=True)
class MergeResult:
    """A shopping-street merge (画面39) and where its linkage file was written."""

    receipt: Receipt
    street_name: str
    customer_id: str
    linkage: Linkage
    saved_path: str | None = None


@dataclass(frozen=True)
class ServiceIdRegistration:
    """画面24: the service ID as registered, for the clerk to compare with the user's card."""

    id_business: IdBusinessRef
    mykey_id: str
    customer_id: str

    @classmethod
    def from_json(cls, d: Json) -> ServiceIdRegistration:
        return cls(IdBusinessRef.from_json(d["id_business"]), str(d["mykey_id"]),
                   str(d["customer_id"]))


@dataclass(frozen=True)
class ServiceIdLookup:
    """画面26: the service ID and how this business wants it handed over."""

    id_business: IdBusiness
    mykey_id: str
    customer_id: str

    @classmethod
    def from_json(cls, d: Json) -> ServiceIdLookup:
        return cls(IdBusiness.from_json(d["id_business"]), str(d["mykey_id"]),
                   str(d["customer_id"]))


@dataclass(frozen=True)
class ReportRow:
    executed_at: datetime
    place: str
    mykey_id: str
    amount: int
    txn_no: str

    @classmethod
    def from_json(cls, d: Json) -> ReportRow:
        return cls(parse_dt(d["executed_at"]), str(d.get("place") or ""), str(d["mykey_id"]),
                   _int(d["amount"]), str(d["txn_no"]))


@dataclass(frozen=True)
class PlaceReport:
    """画面87: count and points at this terminal's place over a period, with detail rows."""

    place: str
    count: int
    points: int
    rows: tuple[ReportRow, ...] = field(default_factory=tuple)
    truncated: bool = False

    @classmethod
    def from_json(cls, d: Json) -> PlaceReport:
        return cls(str(d.get("place") or ""), _int(d["count"]), _int(d["points"]),
                   tuple(ReportRow.from_json(r) for r in d.get("rows") or ()),
                   bool(d.get("truncated")))
