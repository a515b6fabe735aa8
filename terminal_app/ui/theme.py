"""The look: a calm light theme with one accent colour, the IPA Gothic font, large point numbers."""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

ACCENT = "#1f6fb2"
ERROR = "#c62828"
FONT_FILES = (
    Path("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"),
    Path("/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"),
)
FAMILIES = ("IPAGothic", "IPAゴシック", "Noto Sans CJK JP", "Yu Gothic UI", "Meiryo UI", "MS UI Gothic")

STYLE = f"""
QWidget {{ background: #f6f7f9; color: #1d2330; font-size: 14px; }}
QLabel, QRadioButton, QCheckBox {{ background: transparent; }}
QFrame#card QWidget {{ background: transparent; }}
QLabel#screenTitle {{ font-size: 20px; font-weight: bold; color: #1d2330; padding: 4px 0; }}
QLabel#appTitle {{ font-size: 13px; color: #5a6270; }}
QLabel#terminalId {{ font-size: 13px; color: #5a6270; }}
QLabel#lead {{ color: #39404d; }}
QLabel#fieldError {{ color: {ERROR}; font-size: 12px; }}
QLabel#required {{ color: white; background: {ERROR}; border-radius: 3px; padding: 1px 4px;
                   font-size: 11px; max-height: 18px; }}
QLabel#bigNumber {{ font-size: 34px; font-weight: bold; color: {ACCENT}; letter-spacing: 2px; }}
QLabel#bigPoints {{ font-size: 26px; font-weight: bold; color: {ACCENT}; }}
QLabel#status {{ color: #39404d; }}
QLabel#statusError {{ color: {ERROR}; font-weight: bold; }}
QLabel#sectionTitle {{ font-weight: bold; border-bottom: 2px solid {ACCENT}; padding: 2px 0; }}
QLineEdit, QComboBox, QSpinBox, QDateEdit {{ background: white; border: 1px solid #b9c0cc;
    border-radius: 4px; padding: 5px; min-height: 20px; }}
QLineEdit:focus, QComboBox:focus {{ border: 1px solid {ACCENT}; }}
QLineEdit[invalid="true"] {{ border: 1px solid {ERROR}; background: #fff5f5; }}
QPushButton {{ background: white; border: 1px solid #9aa3b1; border-radius: 4px;
    padding: 7px 16px; }}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:disabled {{ color: #9aa3b1; border-color: #d3d8e0; }}
QPushButton[primary="true"] {{ background: {ACCENT}; color: white; border: none;
    font-weight: bold; padding: 8px 24px; }}
QPushButton[primary="true"]:disabled {{ background: #9cbad6; }}
QPushButton[menu="true"] {{ text-align: left; padding: 12px 18px; font-size: 16px; }}
QPushButton[link="true"] {{ border: none; background: transparent; color: {ACCENT};
    text-decoration: underline; padding: 2px; }}
QTableWidget {{ background: white; gridline-color: #d3d8e0; border: 1px solid #b9c0cc; }}
QHeaderView::section {{ background: #e8ecf2; padding: 4px; border: none; font-weight: bold; }}
QRadioButton::indicator, QCheckBox::indicator {{ width: 14px; height: 14px;
    border: 1px solid #7a8494; background: white; }}
QRadioButton::indicator {{ border-radius: 8px; }}
QCheckBox::indicator {{ border-radius: 2px; }}
QRadioButton::indicator:checked {{ border: 4px solid {ACCENT}; width: 8px; height: 8px; }}
QCheckBox::indicator:checked {{ background: {ACCENT}; border-color: {ACCENT}; }}
QFrame#card {{ background: white; border: 1px solid #d3d8e0; border-radius: 6px; }}
QFrame#header {{ background: white; border-bottom: 2px solid {ACCENT}; }}
QProgressBar {{ border: 1px solid #b9c0cc; border-radius: 4px; background: white; max-height: 8px; }}
QProgressBar::chunk {{ background: {ACCENT}; }}
"""


def load_font() -> str | None:
    """Register a Japanese font (IPA Gothic when installed); return the family used, if any."""
    for path in FONT_FILES:
        if path.exists():
            fid = QFontDatabase.addApplicationFont(str(path))
            families = QFontDatabase.applicationFontFamilies(fid) if fid >= 0 else []
            if families:
                return families[0]
    available = set(QFontDatabase.families())
    return next((f for f in FAMILIES if f in available), None)


def apply(app: QApplication) -> None:
    """Apply the font and the style sheet to the whole application."""
    family = load_font()
    if family is None:
        log.warning("no Japanese font found; text may not render")
    else:
        app.setFont(QFont(family, 11))
    app.setStyleSheet(STYLE)
