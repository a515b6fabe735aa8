"""Point vouchers: issue and reprint (画面32-34), read and redeem (画面35/36).

A voucher is used whole; its validity (1-30 days) is independent of the point's own expiry.
Voucher numbers may come from a QR scan (keyboard wedge) or be typed with hyphens.
"""
from __future__ import annotations

import dataclasses
import logging

from terminal_app.domain import rules
from terminal_app.domain.models import CardRead, VoucherInfo, VoucherIssue, VoucherRedemption
from terminal_app.services.points import usable_balance
from terminal_app.services.session import CloudSession

log = logging.getLogger(__name__)


class VoucherService:
    """Voucher operations of this terminal."""

    def __init__(self, session: CloudSession) -> None:
        self.session = session

    def issue(self, card: CardRead, point_id: str, amount: int | str,
              validity_days: int | str, *, key: str | None = None) -> VoucherIssue:
        points = rules.amount(amount, usable_balance(card, point_id).balance)
        days = rules.validity_days(validity_days)
        issued = self.session.client().issue_voucher(card.card_token, point_id, points, days,
                                                     key=rules.idempotency_key(key))
        log.info("voucher issued, txn %s", issued.txn_no)
        return issued

    def info(self, voucher_no: str) -> VoucherInfo:
        number = rules.voucher_no(voucher_no)   # input first: a bad number sends nothing
        return self.session.client().voucher(number)

    def redeem(self, voucher_no: str, *, key: str | None = None) -> VoucherRedemption:
        number = rules.voucher_no(voucher_no)
        done = self.session.client().redeem_voucher(number, key=rules.idempotency_key(key))
        log.info("voucher redeemed, txn %s", done.txn_no)
        return done

    def reprint(self, voucher_no: str, *, key: str | None = None) -> VoucherIssue:
        """再発行: the issue data again (issuing terminal only)."""
        number = rules.voucher_no(voucher_no)
        issued = self.session.client().reprint_voucher(number, key=rules.idempotency_key(key))
        return dataclasses.replace(issued, reprint=True)
