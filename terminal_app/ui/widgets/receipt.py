"""The on-screen receipt / voucher preview: a PIL image from drivers.printer shown as a pixmap."""
from __future__ import annotations

import io
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel, QWidget

MAX_WIDTH_PX = 300


def pixmap_from_image(image: Any) -> QPixmap:
    """Convert a PIL image (or PNG bytes) to a QPixmap without touching the disk."""
    data = image if isinstance(image, bytes) else _png_bytes(image)
    pixmap = QPixmap()
    pixmap.loadFromData(data, "PNG")
    return pixmap


def _png_bytes(image: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


class ReceiptPreview(QLabel):
    """Shows the paper as the printer would print it, scaled to a readable width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("receiptPreview")
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setStyleSheet("background: white; border: 1px solid #d3d8e0; padding: 6px;")
        self.has_image = False

    def show_image(self, image: Any) -> None:
        pixmap = pixmap_from_image(image)
        if pixmap.width() > MAX_WIDTH_PX:
            pixmap = pixmap.scaledToWidth(MAX_WIDTH_PX, Qt.TransformationMode.SmoothTransformation)
        self.setPixmap(pixmap)
        self.has_image = not pixmap.isNull()

    def clear_image(self) -> None:
        self.clear()
        self.has_image = False
