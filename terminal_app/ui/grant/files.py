"""File choices of the grant screens (the OS file dialogs), replaceable for tests and kiosks."""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

log = logging.getLogger(__name__)

XLSX_FILTER = "Excel (*.xlsx)"


def ask_save_path(parent: QWidget, suggested: str) -> Path | None:
    """Where to save an Excel file; None when the clerk cancels."""
    name, _ = QFileDialog.getSaveFileName(parent, "", str(Path.home() / suggested), XLSX_FILTER)
    return Path(name) if name else None


def ask_open_path(parent: QWidget) -> Path | None:
    """Which Excel file to import; None when the clerk cancels."""
    name, _ = QFileDialog.getOpenFileName(parent, "", str(Path.home()), XLSX_FILTER)
    return Path(name) if name else None
