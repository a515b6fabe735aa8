"""The service-ID barcode on screen (画面26 バーコード表示方式) from drivers.barcode's SVG.

python-barcode writes millimetre lengths ("3.000mm") and a point font size; Qt's SVG Tiny
renderer does not scale those consistently, so the document is rewritten to user units with a
viewBox in millimetres before it is shown, then drawn at a size a counter scanner reads well.
"""
from __future__ import annotations

import re

from PySide6.QtCore import QByteArray
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import QWidget

MM = re.compile(r'="(-?[0-9.]+)mm"')
ROOT_SIZE = re.compile(r'<svg([^>]*?)width="([0-9.]+)"([^>]*?)height="([0-9.]+)"')
FONT_PT = re.compile(r"font-size:([0-9.]+)pt")
MM_PER_PT = 25.4 / 72
PX_PER_MM = 10.0


def screen_svg(svg: bytes) -> tuple[bytes, float, float]:
    """(SVG in user units with a viewBox, width mm, height mm)."""
    text = MM.sub(r'="\1"', svg.decode("utf-8"))
    text = FONT_PT.sub(lambda m: f"font-size:{float(m.group(1)) * MM_PER_PT:.2f}px", text)
    root = ROOT_SIZE.search(text)
    if root is None:
        raise ValueError("barcode SVG without width/height")
    width, height = float(root.group(2)), float(root.group(4))
    text = text.replace("<svg", f'<svg viewBox="0 0 {width} {height}"', 1)
    return text.encode("utf-8"), width, height


class BarcodeView(QSvgWidget):
    """Shows one barcode at PX_PER_MM pixels per millimetre."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("barcodeSvg")

    def show_svg(self, svg: bytes) -> None:
        data, width, height = screen_svg(svg)
        self.load(QByteArray(data))
        self.setFixedSize(int(width * PX_PER_MM), int(height * PX_PER_MM))
