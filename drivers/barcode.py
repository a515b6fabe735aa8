"""Barcodes and QR codes for screens (SVG) and printers/labels (PNG, exact dot grid).

Symbologies come from a string: "code128" | "nw7" | "ean13" | "code39". Data that the
symbology cannot carry raises ValueError with a Japanese message, before anything is drawn.
Bars are drawn from python-barcode's module pattern with Pillow at a whole number of pixels
per module, so thermal printers (203 dpi dots) get crisp, scannable bars.
"""
from __future__ import annotations

import io
import logging
import re
from typing import Literal

import barcode as pybarcode
import qrcode
import qrcode.image.svg
from barcode.writer import SVGWriter
from PIL import Image, ImageDraw

from drivers.printer.messages import message

log = logging.getLogger(__name__)

Symbology = Literal["code128", "nw7", "ean13", "code39"]
SYMBOLOGIES: tuple[str, ...] = ("code128", "nw7", "ean13", "code39")
_LIBRARY_NAME = {"code128": "code128", "nw7": "codabar", "ean13": "ean13", "code39": "code39"}
_NW7_BODY = re.compile(r"[0-9\-$:/.+]")
_CODE39 = re.compile(r"[0-9A-Z\-. $/+%]")
QUIET_MODULES = 10


def ean13_check_digit(first12: str) -> str:
    """The JAN/EAN-13 check digit of 12 digits (weights 1,3 from the left)."""
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(first12))
    return str((10 - total % 10) % 10)


def _bad_chars(data: str, allowed: re.Pattern[str]) -> str:
    return "".join(sorted({c for c in data if not allowed.fullmatch(c)}))


def _normalize_ean13(data: str) -> str:
    if not data.isascii() or not data.isdigit() or len(data) not in (12, 13):
        raise ValueError(message("ean13_digits"))
    expected = ean13_check_digit(data[:12])
    if len(data) == 13 and data[12] != expected:
        raise ValueError(message("ean13_check", expected=expected))
    return data[:12] + expected


def _normalize_nw7(data: str) -> str:
    """NW-7 with start/stop: given ones (A-D, any case) are kept, missing ones become A."""
    text = data.upper()
    start = text[0] if text[0] in "ABCD" else ""
    stop = text[-1] if len(text) > 1 and text[-1] in "ABCD" else ""
    if bool(start) != bool(stop) and len(text) > 1:
        raise ValueError(message("nw7_startstop"))
    body = text[1:-1] if start else text
    bad = _bad_chars(body, _NW7_BODY)
    if bad or not body:
        raise ValueError(message("nw7_chars", chars=bad) if bad else message("empty_barcode"))
    return f"{start or 'A'}{body}{stop or 'A'}"


def _normalize_code39(data: str) -> str:
    bad = _bad_chars(data, _CODE39)
    if bad:
        raise ValueError(message("code39_chars", chars=bad))
    return data


def _normalize_code128(data: str) -> str:
    bad = "".join(sorted({c for c in data if not (32 <= ord(c) < 127)}))
    if bad:
        raise ValueError(message("code128_chars", chars=bad))
    return data


_NORMALIZERS = {"code128": _normalize_code128, "nw7": _normalize_nw7,
                "ean13": _normalize_ean13, "code39": _normalize_code39}


def normalize(symbology: str, data: str) -> str:
    """The exact data that will be encoded (EAN-13 with check digit, NW-7 with start/stop).

    Raises ValueError (Japanese) for an unknown symbology or data it cannot encode.
    """
    if symbology not in _NORMALIZERS:
        raise ValueError(message("unknown_symbology", symbology=symbology))
    if not data:
        raise ValueError(message("empty_barcode"))
    return _NORMALIZERS[symbology](data)


def _library_barcode(symbology: str, data: str, writer: object | None = None) -> pybarcode.Barcode:
    code = normalize(symbology, data)
    cls = pybarcode.get_barcode_class(_LIBRARY_NAME[symbology])
    if symbology == "code39":
        return cls(code, writer=writer, add_checksum=False)
    if symbology == "ean13":
        return cls(code, writer=writer, no_checksum=True)
    if symbology == "nw7":
        return cls(code, writer=writer, narrow=1, wide=3)  # wide:narrow 3:1, one module each
    return cls(code, writer=writer)


def modules(symbology: str, data: str) -> str:
    """The bar pattern as a string of '1' (bar) and '0' (space) modules, no quiet zone."""
    pattern: str = _library_barcode(symbology, data).build()[0]
    return pattern.replace("G", "1")


def human_readable(symbology: str, data: str) -> str:
    """The text printed under the bars (EAN-13 with its check digit)."""
    return normalize(symbology, data)


def barcode_png(symbology: str, data: str, *, module_px: int = 2,
                height_px: int = 80) -> Image.Image:
    """A 1-bit image of the bars with quiet zones, `module_px` dots per module, no text."""
    pattern = modules(symbology, data)
    width = (len(pattern) + 2 * QUIET_MODULES) * module_px
    img = Image.new("1", (width, height_px), 1)
    draw = ImageDraw.Draw(img)
    for i, bit in enumerate(pattern):
        if bit == "1":
            x = (QUIET_MODULES + i) * module_px
            draw.rectangle([x, 0, x + module_px - 1, height_px - 1], fill=0)
    return img


def barcode_svg(symbology: str, data: str) -> bytes:
    """An SVG document of the barcode with its human-readable text (for screens)."""
    bc = _library_barcode(symbology, data, writer=SVGWriter())
    out = io.BytesIO()
    bc.write(out, options={"module_height": 12.0, "quiet_zone": 3.0})
    return out.getvalue()


def _qr(data: str, error: str, box_px: int, border: int) -> qrcode.QRCode:
    levels = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
              "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}
    if not data:
        raise ValueError(message("empty_barcode"))
    qr = qrcode.QRCode(error_correction=levels[error], box_size=box_px, border=border)
    qr.add_data(data)
    try:
        qr.make(fit=True)
    except (qrcode.exceptions.DataOverflowError, ValueError) as exc:
        raise ValueError(message("qr_too_long")) from exc
    return qr


def qr_png(data: str, *, box_px: int = 6, border: int = 4, error: str = "M") -> Image.Image:
    """A 1-bit QR code image, `box_px` pixels per module, `border` modules of quiet zone."""
    img = _qr(data, error, box_px, border).make_image(fill_color="black", back_color="white")
    mono: Image.Image = img.get_image().convert("1")
    return mono


def qr_svg(data: str, *, error: str = "M") -> bytes:
    """An SVG document of the QR code (for screens)."""
    img = _qr(data, error, 10, 4).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    out = io.BytesIO()
    img.save(out)
    return out.getvalue()
