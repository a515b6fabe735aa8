"""ポイント券 (画面32-36): issue into escrow, look up, redeem whole once, reprint.

A voucher moves points from the holder to the point's escrow account; redemption moves them from
escrow to the redeeming place's settlement account; the sweep lapses unredeemed vouchers after
their last valid day (issue day + validity - 1, JST) into the expired account.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cloud_api.clock import Clock
from cloud_api.db import is_postgres
from cloud_api.errors import ApiError, Conflict, Forbidden, NotFound, ValidationError
from cloud_api.models.ledger import ESCROW, JournalTxn, Voucher, VoucherClosing
from cloud_api.services.ledger.accounts import system_account
from cloud_api.services.ledger.debit import debit_holder
from cloud_api.services.ledger.journal import TxnHeader
from cloud_api.services.ledger.refs import (
    PointLike,
    TerminalLike,
    business_date,
    to_jst,
    valid_through,
)

log = logging.getLogger(__name__)

ISSUE_TYPE = "ポイント券"
MAX_VALIDITY_DAYS = 30
NUMBER_ATTEMPTS = 8


@dataclass(frozen=True)
class IssuedVoucher:
    """The issue response (also what a reprint returns)."""

    voucher_no: str
    txn_no: str
    point_name: str
    amount: int
    issued_at: datetime
    expires_on: date
    balance_after: int
    validity_days: int
    txn_id: int

    def to_json(self) -> dict[str, object]:
        return {"voucher_no": self.voucher_no, "txn_no": self.txn_no,
                "point_name": self.point_name, "amount": self.amount,
                "issued_at": to_jst(self.issued_at).isoformat(timespec="seconds"),
                "expires_at": self.expires_on.isoformat(), "balance_after": self.balance_after,
                "validity_days": self.validity_days, "issue_type": ISSUE_TYPE}


def check_validity_days(days: object) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_VALIDITY_DAYS:
        raise ValidationError("voucher_validity_invalid")
    return days


def issue_voucher(session: Session, *, clock: Clock, terminal: TerminalLike, point: PointLike,
                  holder_id: int, mykey_id: str, amount: int, validity_days: int) -> IssuedVoucher:
    """Move `amount` points to escrow and create a voucher with a fresh unguessable number."""
    check_validity_days(validity_days)
    now = clock.now()
    escrow = system_account(session, ESCROW, point.point_id)
    header = TxnHeader(kind="voucher_issue", scope=terminal.terminal_id, point_id=point.point_id,
                       amount=amount, executed_at=now, holder_id=holder_id, mykey_id=mykey_id,
                       terminal_id=terminal.terminal_id, place=terminal.place,
                       municipality_code=terminal.municipality_code)
    done = debit_holder(session, header, escrow)
    expires_on = valid_through(business_date(now), validity_days)
    values = {"issue_txn_id": done.posted.txn_id, "point_id": point.point_id,
              "point_name": point.name, "holder_id": holder_id, "amount": amount,
              "balance_after": done.usable_after, "validity_days": validity_days,
              "issued_at": now, "expires_on": expires_on,
              "issue_terminal_id": terminal.terminal_id, "issue_place": terminal.place}
    number = _insert_with_fresh_number(session, values)
    log.info("voucher issued by %s (%s): %d pt", terminal.terminal_id, done.posted.txn_no, amount)
    return IssuedVoucher(number, done.posted.txn_no, point.name, amount, now, expires_on,
                         done.usable_after, validity_days, done.posted.txn_id)


def _insert_with_fresh_number(session: Session, values: dict[str, object]) -> str:
    """Insert the voucher under a random 12-digit number, retrying on the unique constraint."""
    dialect = postgresql if is_postgres(session) else sqlite
    for _ in range(NUMBER_ATTEMPTS):
        number = f"{secrets.randbelow(10**12):012d}"
        stmt = dialect.insert(Voucher.__table__).values(voucher_no=number, **values)
        stmt = stmt.on_conflict_do_nothing(index_elements=["voucher_no"]).returning(Voucher.id)
        if session.execute(stmt).scalar() is not None:
            return number
    raise RuntimeError("no free voucher number after several attempts")


def find_voucher(session: Session, voucher_no: str, lock: bool = False) -> Voucher:
    query = select(Voucher).where(Voucher.voucher_no == voucher_no)
    if lock and is_postgres(session):
        query = query.with_for_update()
    voucher = session.execute(query).scalar()
    if voucher is None:
        raise NotFound("voucher_not_found")
    return voucher


def check_visible(voucher: Voucher, terminal_id: str, usable_point_ids: set[int]) -> None:
    """A voucher is shown where it could be redeemed (its point is usable at the terminal) and
    at the terminal that issued it (画面34 再発行); elsewhere 403, with nothing of it said."""
    if voucher.issue_terminal_id != terminal_id and voucher.point_id not in usable_point_ids:
        raise ApiError("point_not_usable_here", 403)


def voucher_state(session: Session, voucher: Voucher) -> str:
    closing = session.execute(select(VoucherClosing.kind)
                              .where(VoucherClosing.voucher_id == voucher.id)).scalar()
    return {"redeemed": "redeemed", "lapsed": "lapsed"}.get(closing or "", "issued")


def reprint(session: Session, *, terminal: TerminalLike, voucher_no: str) -> IssuedVoucher:
    """The issue data again; only the issuing terminal may reprint (403 otherwise)."""
    voucher = find_voucher(session, voucher_no)
    if voucher.issue_terminal_id != terminal.terminal_id:
        raise Forbidden("voucher_reprint_forbidden")
    txn_no = session.execute(select(JournalTxn.txn_no)
                             .where(JournalTxn.id == voucher.issue_txn_id)).scalar_one()
    return IssuedVoucher(voucher.voucher_no, txn_no, voucher.point_name, voucher.amount,
                         to_jst(voucher.issued_at), voucher.expires_on, voucher.balance_after,
                         voucher.validity_days, voucher.issue_txn_id)


def check_redeemable(session: Session, voucher: Voucher, today: date) -> None:
    state = voucher_state(session, voucher)
    if state == "redeemed":
        raise Conflict("voucher_already_redeemed")
    if state == "lapsed":
        raise ApiError("voucher_lapsed", 410)
    if today > voucher.expires_on:
        raise ApiError("voucher_expired", 410)


def voucher_json(session: Session, voucher: Voucher) -> dict[str, object]:
    """What 画面35 shows before redemption."""
    return {"voucher_no": voucher.voucher_no, "point_name": voucher.point_name,
            "amount": voucher.amount, "issue_type": ISSUE_TYPE,
            "issued_at": to_jst(voucher.issued_at).isoformat(timespec="seconds"),
            "expires_at": voucher.expires_on.isoformat(), "state": voucher_state(session, voucher),
            "issue_place": voucher.issue_place, "validity_days": voucher.validity_days}
