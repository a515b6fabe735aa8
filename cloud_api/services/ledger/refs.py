"""What the ledger needs to know about points and terminals, and what it hands back (receipts).

The ledger depends only on these shapes, not on the accounts models: ACCOUNTS' `PointRef` and
`TerminalContext` satisfy the protocols.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from cloud_api.clock import JST

MAX_AMOUNT = 10_000_000   # the largest amount one operation may move


class PointLike(Protocol):
    """A municipal or event point (ACCOUNTS' PointRef)."""

    @property
    def point_id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def validity_days(self) -> int: ...
    @property
    def municipality_code(self) -> str: ...


class TerminalLike(Protocol):
    """The calling terminal (ACCOUNTS' TerminalContext)."""

    @property
    def terminal_id(self) -> str: ...
    @property
    def place(self) -> str: ...
    @property
    def municipality_code(self) -> str: ...


@dataclass(frozen=True)
class Receipt:
    """The result of one ledger operation, as printed on the receipt (画面31)."""

    txn_id: int
    txn_no: str
    terminal_id: str | None
    point_id: int
    point_name: str
    amount: int
    balance_after: int
    executed_at: datetime

    def to_json(self) -> dict[str, object]:
        return {"txn_no": self.txn_no, "terminal_id": self.terminal_id,
                "point_id": format_point_id(self.point_id), "point_name": self.point_name,
                "amount": self.amount, "balance_after": self.balance_after,
                "executed_at": to_jst(self.executed_at).isoformat(timespec="seconds")}


def format_point_id(point_id: int) -> str:
    return f"{point_id:08d}"


def to_jst(at: datetime) -> datetime:
    """Times come back naive from SQLite (stored as JST wall time) and aware from PostgreSQL."""
    return at.replace(tzinfo=JST) if at.tzinfo is None else at.astimezone(JST)


def business_date(at: datetime) -> date:
    """The JST business day of a moment."""
    return to_jst(at).date()


def valid_through(issued_on: date, validity_days: int) -> date:
    """発行日を起点にN日間: usable through issue date + N - 1 (inclusive)."""
    return issued_on + timedelta(days=validity_days - 1)
