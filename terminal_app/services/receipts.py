"""Receipts, vouchers and labels: results -> drivers.printer documents -> printer or preview.

The layouts (wording of 画面31/34/36/39) are the printer driver's; this module only maps the
cloud's results onto them, prints on the configured printer (`printer_spec`, `printer_profile`)
and renders previews (PIL images) for the screen. Printer errors (paper out, cover open,
offline) come back as UserFacingError with the driver's Japanese message.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from terminal_app.domain.errors import UserFacingError
from terminal_app.domain.models import (
    MergeResult,
    Receipt,
    ServiceIdLookup,
    VoucherIssue,
    VoucherRedemption,
)
from terminal_app.services.errors import device_errors

if TYPE_CHECKING:
    from drivers.printer.printer import Printer

log = logging.getLogger(__name__)

PrinterFactory = Callable[[], "Printer"]


def point_use_document(receipt: Receipt) -> Any:
    from drivers.printer.layouts import PointUseReceipt, receipt_point_use

    return receipt_point_use(PointUseReceipt(receipt.point_name, receipt.amount,
                                             receipt.balance_after, receipt.txn_no,
                                             receipt.executed_at))


def merge_document(result: MergeResult) -> Any:
    from drivers.printer.layouts import MergeReceipt, receipt_merge

    r = result.receipt
    return receipt_merge(MergeReceipt(r.point_name, result.street_name, r.amount,
                                      r.balance_after, r.txn_no, r.executed_at))


def voucher_document(issued: VoucherIssue, issue_place: str = "") -> Any:
    from drivers.printer.layouts import VoucherTicket, voucher

    days = max(1, (issued.expires_on - issued.issued_at.date()).days + 1)
    return voucher(VoucherTicket(issued.point_name, issued.voucher_no, issued.amount,
                                 issued.issued_at, issued.expires_on, days, issue_place,
                                 reprint=issued.reprint))


def redemption_document(done: VoucherRedemption) -> Any:
    from drivers.printer.layouts import VoucherRedeemReceipt, receipt_voucher_redeem

    return receipt_voucher_redeem(VoucherRedeemReceipt(done.point_name, done.voucher_no,
                                                       done.amount, done.place,
                                                       done.executed_at, done.txn_no))


def label_document(lookup: ServiceIdLookup) -> Any:
    from drivers.printer.layouts import ServiceIdLabel, service_id_label

    return service_id_label(ServiceIdLabel(lookup.id_business.name, lookup.customer_id,
                                           lookup.id_business.symbology))


DOCUMENTS: dict[type, Callable[[Any], Any]] = {
    Receipt: point_use_document, MergeResult: merge_document, VoucherIssue: voucher_document,
    VoucherRedemption: redemption_document, ServiceIdLookup: label_document,
}


def document_for(result: object) -> Any:
    """The printer document for any printable result."""
    build = DOCUMENTS.get(type(result))
    if build is None:
        raise TypeError(f"nothing to print for {type(result).__name__}")
    with device_errors():
        return build(result)


class ReceiptService:
    """Print or preview results; one print job at a time."""

    def __init__(self, printer_factory: PrinterFactory | None, profile: str) -> None:
        self._factory = printer_factory
        self.profile = profile
        self._printer: Printer | None = None
        self._lock = threading.Lock()

    @property
    def has_printer(self) -> bool:
        return self._factory is not None

    def print(self, result: object) -> None:
        """レシート印字 / voucher / label on the configured printer."""
        if self._factory is None:
            raise UserFacingError("printer_not_configured")
        document = document_for(result)
        with self._lock, device_errors():
            if self._printer is None:
                self._printer = self._factory()
            self._printer.print_document(document)
        log.info("printed %s", type(result).__name__)

    def preview(self, result: object) -> Any:
        """A PIL image of what would be printed (for the on-screen preview)."""
        from drivers.printer.profile import load_profile
        from drivers.printer.raster import ImageRenderer

        with device_errors():
            return ImageRenderer(load_profile(self.profile)).render(document_for(result))

    def close(self) -> None:
        with self._lock:
            if self._printer is not None:
                self._printer.close()
                self._printer = None
