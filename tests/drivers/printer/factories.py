"""Plain receipt/voucher data as on the seed screens, shared by the printer tests."""
from __future__ import annotations

from datetime import date, datetime

from drivers.printer import MergeReceipt, PointUseReceipt, VoucherRedeemReceipt, VoucherTicket

WHEN = datetime(2017, 4, 2, 18, 2, 37)


def point_use() -> PointUseReceipt:
    return PointUseReceipt("A市ポイント", 500, 1230, "2017123100001", WHEN)


def redeem() -> VoucherRedeemReceipt:
    return VoucherRedeemReceipt("A市ポイント", "987654321012", 500, "A商店街 B商店", WHEN)


def merge() -> MergeReceipt:
    return MergeReceipt("A市ポイント", "A商店街", 500, 1230, "2017123100001", WHEN)


def ticket(number: str = "987654321012") -> VoucherTicket:
    return VoucherTicket("A市ポイント", number, 500, WHEN, date(2017, 5, 2), 30, "A市商工会")
