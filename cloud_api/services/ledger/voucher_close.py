"""Closing a voucher: redemption at a place (消込) or lapse at expiry (失効, by the sweep).

Each voucher closes at most once: the voucher row is locked (PostgreSQL FOR UPDATE; SQLite holds
the write lock) and `voucher_closings.voucher_id` is unique.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from cloud_api.clock import Clock
from cloud_api.errors import ApiError
from cloud_api.models.ledger import (
    ESCROW,
    EXPIRED,
    SETTLEMENT,
    JournalTxn,
    Voucher,
    VoucherClosing,
    lapse_scope,
)
from cloud_api.services.ledger.accounts import system_account
from cloud_api.services.ledger.journal import Leg, Posted, TxnHeader, post
from cloud_api.services.ledger.refs import TerminalLike, business_date, to_jst
from cloud_api.services.ledger.vouchers import check_redeemable, find_voucher

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Redeemed:
    """The redemption receipt (画面36)."""

    voucher_no: str
    txn_id: int
    txn_no: str
    amount: int
    point_name: str
    place: str
    executed_at: datetime

    def to_json(self) -> dict[str, object]:
        return {"voucher_no": self.voucher_no, "txn_no": self.txn_no, "amount": self.amount,
                "point_name": self.point_name, "place": self.place,
                "executed_at": to_jst(self.executed_at).isoformat(timespec="seconds")}


def redeem(session: Session, *, clock: Clock, terminal: TerminalLike, voucher_no: str,
           usable_point_ids: set[int]) -> Redeemed:
    """Redeem the whole voucher at `terminal` (its point must be usable there)."""
    now = clock.now()
    voucher = find_voucher(session, voucher_no, lock=True)
    if voucher.point_id not in usable_point_ids:   # first: another town learns nothing of it
        raise ApiError("point_not_usable_here", 403)
    check_redeemable(session, voucher, business_date(now))
    settlement = system_account(session, SETTLEMENT, voucher.point_id, terminal.terminal_id)
    header = TxnHeader(kind="voucher_redeem", scope=terminal.terminal_id,
                       point_id=voucher.point_id, amount=voucher.amount, executed_at=now,
                       holder_id=voucher.holder_id, mykey_id=_issuer_mykey_id(session, voucher),
                       terminal_id=terminal.terminal_id,
                       place=terminal.place, municipality_code=terminal.municipality_code)
    posted = _close(session, voucher, header, settlement, "redeemed")
    log.info("voucher redeemed at %s (%s)", terminal.terminal_id, posted.txn_no)
    return Redeemed(voucher.voucher_no, posted.txn_id, posted.txn_no, voucher.amount,
                    voucher.point_name, terminal.place, now)


def lapse(session: Session, *, clock: Clock, voucher: Voucher) -> Posted:
    """Move an expired, unredeemed voucher's points from escrow to expired (sweep only)."""
    expired = system_account(session, EXPIRED, voucher.point_id)
    header = TxnHeader(kind="voucher_lapse", scope=lapse_scope(voucher.id),
                       point_id=voucher.point_id,
                       amount=voucher.amount, executed_at=clock.now(),
                       holder_id=voucher.holder_id, reason="ポイント券の有効期限切れ")
    return _close(session, voucher, header, expired, "lapsed")


def _close(session: Session, voucher: Voucher, header: TxnHeader, to_account: int,
           kind: str) -> Posted:
    escrow = system_account(session, ESCROW, voucher.point_id)
    posted = post(session, header, [Leg(escrow, -voucher.amount), Leg(to_account, voucher.amount)])
    session.execute(insert(VoucherClosing).values(
        voucher_id=voucher.id, txn_id=posted.txn_id, kind=kind, closed_at=header.executed_at,
        terminal_id=header.terminal_id, place=header.place))
    return posted


def _issuer_mykey_id(session: Session, voucher: Voucher) -> str | None:
    """The MyKey ID the voucher was issued to (shown in the place report's detail rows)."""
    return session.execute(select(JournalTxn.mykey_id)
                           .where(JournalTxn.id == voucher.issue_txn_id)).scalar()
