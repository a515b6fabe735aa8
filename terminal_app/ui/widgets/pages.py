"""Small helpers for screens made of several pages and a done page with a receipt preview."""
from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget


def page() -> tuple[QWidget, QVBoxLayout]:
    """An empty page and its layout (no margins: the screen has them)."""
    widget = QWidget()
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(0, 0, 0, 0)
    return widget, layout
