"""診断情報の送信: a zip the clerk sends to support, with nothing secret in it.

`export_diagnostics(folder, config, version, terminal_id=…)` writes
`mykey-diagnostics-<terminal>-<YYYYmmdd-HHMMSS>.zip` into the chosen folder, holding
  summary.json   app version, OS, Python, frozen or not, terminal ID, the settings (no secrets,
                 no user:password in URLs), reader and printer status
  logs/…         the last log files (<home>/logs/terminal.log*), at most LOG_TAIL_BYTES each,
                 passed through `mask_secrets` once more
Before anything is written, every entry is checked: a PEM block or an unmasked secret pair makes
the export fail (the log filter already masks them; this is the second line).
"""
from __future__ import annotations

import json
import logging
import platform
import sys
import zipfile
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from drivers.catalogue import Catalogue
from terminal_app.config import TerminalConfig
from terminal_app.domain.errors import UserFacingError
from terminal_app.logging_setup import LOG_DIR, LOG_FILE, mask_secrets

log = logging.getLogger(__name__)

LOG_TAIL_BYTES = 512_000
SECRET_FIELDS = ("pin", "password", "passwd", "secret", "token", "private_key", "key")
StatusProbe = Callable[[TerminalConfig], str]

# The clerk-facing texts of this module (Japanese source; English can be added beside them).
MESSAGES = {
    "diagnostics_folder_missing": "保存先のフォルダ「{folder}」が見つかりません。別のフォルダを選んでください。",
    "diagnostics_write_failed": "診断情報を保存できませんでした（{reason}）。"
                                "保存先の空き容量と書き込み権限を確認してください。",
    "diagnostics_unsafe": "診断情報に秘密の情報が含まれる可能性があるため、作成を中止しました。"
                          "サポート窓口に連絡してください。",
}
CATALOGUE = Catalogue("terminal_app.diagnostics", MESSAGES)


class DiagnosticsError(UserFacingError):
    """The export could not be made; nothing is left in the chosen folder."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code, CATALOGUE.message(code, **params), **params)


def reader_status(config: TerminalConfig) -> str:
    """The configured card reader and what it reports now (never blocks on a card)."""
    try:
        from drivers.card.reader import open_reader

        return f"{config.reader_spec}: {open_reader(config.reader_spec).status().name}"
    except Exception as exc:  # noqa: BLE001 - any driver failure is itself the diagnosis
        return f"{config.reader_spec}: {type(exc).__name__}: {mask_secrets(str(exc))}"


def printer_status(config: TerminalConfig) -> str:
    """The configured printer and whether its profile is known (no job is sent)."""
    if not config.printer_spec:
        return "not configured"
    try:
        from drivers.printer.profile import load_profile

        load_profile(config.printer_profile)
        profile = "profile ok"
    except Exception as exc:  # noqa: BLE001 - a missing profile is itself the diagnosis
        profile = f"profile error: {type(exc).__name__}"
    return f"{_strip_userinfo(config.printer_spec)} ({config.printer_profile}, {profile})"


def safe_settings(config: TerminalConfig) -> dict[str, Any]:
    """The settings as JSON values, secrets and URL credentials left out."""
    data: dict[str, Any] = {}
    for name, value in asdict(config).items():
        if name == "extra":
            value = {k: v for k, v in value.items() if not _secret_name(k)}
        elif isinstance(value, Path):
            value = str(value)
        if isinstance(value, str):
            value = mask_secrets(_strip_userinfo(value))
        data[name] = value
    return data


def summary(config: TerminalConfig, version: str, terminal_id: str | None,
            probes: tuple[StatusProbe, StatusProbe] = (reader_status, printer_status)) -> dict:
    """Everything of summary.json."""
    return {
        "product": "マイキープラットフォーム等活用ソフト",
        "version": version,
        "created_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "frozen": bool(getattr(sys, "frozen", False)),
        "terminal_id": terminal_id,
        "settings": safe_settings(config),
        "reader": probes[0](config),
        "printer": probes[1](config),
    }


def log_files(home: Path) -> list[Path]:
    """terminal.log and its rotated generations, newest first."""
    folder = Path(home) / LOG_DIR
    names = [LOG_FILE] + [f"{LOG_FILE}.{n}" for n in range(1, 10)]
    return [folder / name for name in names if (folder / name).is_file()]


def _tail(path: Path) -> str:
    with path.open("rb") as handle:
        size = handle.seek(0, 2)
        handle.seek(max(0, size - LOG_TAIL_BYTES))
        return mask_secrets(handle.read().decode("utf-8", errors="replace"))


def export_diagnostics(folder: Path, config: TerminalConfig, version: str, *,
                       terminal_id: str | None = None,
                       probes: tuple[StatusProbe, StatusProbe] = (reader_status, printer_status),
                       ) -> Path:
    """Write the diagnostics zip into `folder`; returns its path."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DiagnosticsError("diagnostics_folder_missing", folder=str(folder))
    entries = {"summary.json": json.dumps(summary(config, version, terminal_id, probes),
                                          ensure_ascii=False, indent=2)}
    entries.update({f"logs/{p.name}": _tail(p) for p in log_files(config.home)})
    for name, text in entries.items():
        _check_clean(name, text)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"mykey-diagnostics-{terminal_id or 'unregistered'}-{stamp}.zip"
    try:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, text in entries.items():
                archive.writestr(name, text)
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise DiagnosticsError("diagnostics_write_failed", reason=str(exc)) from exc
    log.info("diagnostics written: %s (%d entries)", path.name, len(entries))
    return path


def _check_clean(name: str, text: str) -> None:
    if "-----BEGIN" in text or mask_secrets(text) != text:
        log.error("diagnostics entry %s still holds a secret; export refused", name)
        raise DiagnosticsError("diagnostics_unsafe")


def _secret_name(name: str) -> bool:
    lowered = name.lower()
    return any(part in lowered for part in SECRET_FIELDS)


def _strip_userinfo(value: str) -> str:
    """`https://user:pass@host/x` -> `https://host/x`; anything else unchanged."""
    if "://" not in value or "@" not in value:
        return value
    parts = urlsplit(value)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
