"""Receipt, voucher and label layouts as data (画面31, 34, 36, 39 and service-ID labels).

Each function takes a plain dataclass from the caller and returns a Document; the wording
follows the seed screens and comes from the message catalogue.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from drivers.printer.document import QR, Barcode, Cut, Document, Feed, Rule, Stamps, Text
from drivers.printer.errors import PrintDataError
from drivers.printer.messages import message


def format_points(points: int) -> str:
    """'1,230ポイント'."""
    return message("points", points=f"{points:,}")


def format_datetime(when: datetime) -> str:
    """'2017年4月2日 18:02:37'."""
    return message("date_time", y=when.year, m=when.month, d=when.day,
               hh=when.hour, mm=when.minute, ss=when.second)


def format_date(day: date) -> str:
    """'2017年5月1日'."""
    return message("date", y=day.year, m=day.month, d=day.day)


def _require(ok: bool, field: str, detail: str) -> None:
    if not ok:
        raise PrintDataError(message("bad_field", field=field, detail=detail))


def _check_points(field: str, value: int) -> None:
    _require(isinstance(value, int) and value >= 0, field, str(value))


def _check_txn_no(txn_no: str) -> None:
    _require(txn_no.isascii() and txn_no.isdigit() and len(txn_no) == 13, "取引済番号", txn_no)


def _check_voucher_no(voucher_no: str) -> None:
    _require(voucher_no.isascii() and voucher_no.isdigit() and len(voucher_no) == 12,
             "券番号", voucher_no)


@dataclass(frozen=True)
class PointUseReceipt:
    """画面31: point use finished."""

    point_name: str
    points_used: int
    balance_after: int
    txn_no: str
    executed_at: datetime


@dataclass(frozen=True)
class VoucherRedeemReceipt:
    """画面36: voucher redeemed (消込)."""

    point_name: str
    voucher_no: str
    points: int
    place: str
    executed_at: datetime
    txn_no: str | None = None


@dataclass(frozen=True)
class MergeReceipt:
    """画面39: points merged into a shopping street's points."""

    point_name: str
    street_name: str
    points_used: int
    balance_after: int
    txn_no: str
    executed_at: datetime


@dataclass(frozen=True)
class VoucherTicket:
    """画面34: the printed voucher (ポイント券)."""

    point_name: str
    voucher_no: str
    points: int
    issued_at: datetime
    expires_on: date
    validity_days: int
    issue_place: str = ""
    reprint: bool = False


@dataclass(frozen=True)
class ServiceIdLabel:
    """A service-ID label (ラベル印刷方式): business name and the card number as a barcode."""

    business_name: str
    service_id: str
    symbology: str = "code128"


def _head(doc: Document, point_name: str) -> None:
    doc.add(Text(point_name, size=2, bold=True, align="center"),
            Text(message("receipt_title"), align="center"), Feed(1))


def _item(doc: Document, label: str, value: str, big: bool = False) -> None:
    doc.add(Text(label), Text(value, size=2 if big else 1, bold=big, align="right", shrink=big))


def _tail(doc: Document, txn_no: str | None, when: datetime, time_key: str) -> Document:
    doc.add(Feed(1), Text(message("thanks_1"), align="center"), Text(message("thanks_2"), align="center"),
            Feed(1))
    if txn_no:
        doc.add(Text(message("txn_no", txn_no=txn_no)))
    return doc.add(Text(message(time_key, when=format_datetime(when))), Cut())


def receipt_point_use(r: PointUseReceipt) -> Document:
    """The receipt of 画面31 (points used, balance, 取引済番号, 発行日時)."""
    _check_points("利用ポイント数", r.points_used)
    _check_points("ポイント残高", r.balance_after)
    _check_txn_no(r.txn_no)
    doc = Document("receipt_point_use")
    _head(doc, r.point_name)
    _item(doc, message("label_used_points"), format_points(r.points_used), big=True)
    _item(doc, message("label_balance"), format_points(r.balance_after), big=True)
    return _tail(doc, r.txn_no, r.executed_at, "issued_at")


def receipt_voucher_redeem(r: VoucherRedeemReceipt) -> Document:
    """The receipt of 画面36 (voucher number, points, place, time)."""
    _check_voucher_no(r.voucher_no)
    _check_points("利用ポイント数", r.points)
    if r.txn_no:
        _check_txn_no(r.txn_no)
    doc = Document("receipt_voucher_redeem")
    _head(doc, r.point_name)
    _item(doc, message("label_voucher_no"), r.voucher_no, big=True)
    _item(doc, message("label_voucher_points"), format_points(r.points), big=True)
    if r.place:
        _item(doc, message("label_place"), r.place)
    return _tail(doc, r.txn_no, r.executed_at, "executed_at")


def receipt_merge(r: MergeReceipt) -> Document:
    """The receipt of 画面39 (street name, points merged, balance)."""
    _check_points("利用ポイント数", r.points_used)
    _check_points("ポイント残高", r.balance_after)
    _check_txn_no(r.txn_no)
    _require(bool(r.street_name.strip()), "商店街名", r.street_name)
    doc = Document("receipt_merge")
    _head(doc, r.point_name)
    _item(doc, message("label_street"), r.street_name, big=True)
    _item(doc, message("label_used_points"), format_points(r.points_used), big=True)
    _item(doc, message("label_balance"), format_points(r.balance_after), big=True)
    return _tail(doc, r.txn_no, r.executed_at, "issued_at")


def voucher(v: VoucherTicket) -> Document:
    """The voucher of 画面34: big 12-digit number, its QR, points, validity, two seal boxes."""
    _check_voucher_no(v.voucher_no)
    _check_points("ポイント数", v.points)
    _require(1 <= v.validity_days <= 30, "有効期間", str(v.validity_days))
    doc = Document("voucher")
    if v.reprint:
        doc.add(Text(message("voucher_reprint"), bold=True, align="center"))
    doc.add(Text(message("voucher_title"), align="center"),
            Text(v.point_name, size=2, bold=True, align="center"), Rule(),
            Text(message("voucher_no_caption"), align="center"),
            Text(v.voucher_no, size=3, bold=True, align="center", shrink=True),
            QR(v.voucher_no),
            Text(message("voucher_points", points=f"{v.points:,}"), size=3, bold=True,
                 align="center", shrink=True), Rule(),
            Text(message("issued_at", when=format_datetime(v.issued_at))),
            Text(message("voucher_validity", until=format_date(v.expires_on), days=v.validity_days)))
    if v.issue_place:
        doc.add(Text(message("voucher_issue_place", place=v.issue_place)))
    return doc.add(Text(message("voucher_note")), Feed(1),
                   Stamps((message("stamp_issue"), message("stamp_use"))), Cut())


def service_id_label(label: ServiceIdLabel) -> Document:
    """A label with the business name, the caption and the service ID as a barcode."""
    _require(bool(label.service_id), "サービスID", label.service_id)
    doc = Document("service_id_label")
    return doc.add(Text(label.business_name, bold=True, align="center"),
                   Text(message("label_service_id"), align="center"),
                   Barcode(label.service_id, symbology=label.symbology), Cut())
