"""Printing: receipt/voucher/label layouts → ESC/POS (kanji mode or raster) → transports.

Typical use from the app's printer I/O thread:

    printer = Printer.from_config("escpos-net:192.168.0.50:9100", "tm-t88-kanji")
    printer.print_document(receipt_point_use(PointUseReceipt(...)))

and for the on-screen preview: `ImageRenderer(profile).render(doc)`.
"""
from __future__ import annotations

from drivers.printer.document import QR, Barcode, Block, Cut, Document, Feed, Rule, Stamps, Text
from drivers.printer.errors import (
    CoverOpenError,
    OfflineError,
    PaperOutError,
    PrintDataError,
    PrinterConfigError,
    PrinterConnectionError,
    PrinterError,
    PrinterUnavailableError,
)
from drivers.printer.escpos_renderer import EscPosRenderer
from drivers.printer.layouts import (
    MergeReceipt,
    PointUseReceipt,
    ServiceIdLabel,
    VoucherRedeemReceipt,
    VoucherTicket,
    receipt_merge,
    receipt_point_use,
    receipt_voucher_redeem,
    service_id_label,
    voucher,
)
from drivers.printer.printer import Printer
from drivers.printer.profile import PrinterProfile, available_profiles, load_profile
from drivers.printer.raster import ImageRenderer
from drivers.printer.status import PrinterStatus

__all__ = [
    "QR",
    "Barcode",
    "Block",
    "CoverOpenError",
    "Cut",
    "Document",
    "EscPosRenderer",
    "Feed",
    "ImageRenderer",
    "MergeReceipt",
    "OfflineError",
    "PaperOutError",
    "PointUseReceipt",
    "PrintDataError",
    "Printer",
    "PrinterConfigError",
    "PrinterConnectionError",
    "PrinterError",
    "PrinterProfile",
    "PrinterStatus",
    "PrinterUnavailableError",
    "Rule",
    "ServiceIdLabel",
    "Stamps",
    "Text",
    "VoucherRedeemReceipt",
    "VoucherTicket",
    "available_profiles",
    "load_profile",
    "receipt_merge",
    "receipt_point_use",
    "receipt_voucher_redeem",
    "service_id_label",
    "voucher",
]
