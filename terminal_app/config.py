"""The terminal's settings in one typed place: `<home>/config.json` overlaid by environment variables.

home = MYKEY_HOME, else the OS user data folder (Windows: %LOCALAPPDATA%\\MyKey, Linux/macOS:
~/.local/share/mykey-terminal). Several terminals can run side by side with different MYKEY_HOME:
everything a terminal keeps (config, outbox, keyring entry name, merge folder default) hangs off it.

Environment (wins over the file): MYKEY_CLOUD_URL, MYKEY_READER, MYKEY_PRINTER,
MYKEY_PRINTER_PROFILE, MYKEY_MERGE_FOLDER, MYKEY_KEYSTROKES, MYKEY_KEYSTROKE_TERMINATOR,
MYKEY_HTTP_TIMEOUT_S, MYKEY_HTTP_RETRIES, MYKEY_DEMO. The file uses the field names below.
"""
from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from terminal_app.domain.errors import UserFacingError

log = logging.getLogger(__name__)

CONFIG_FILE = "config.json"
DEFAULT_CLOUD_URL = "http://127.0.0.1:8080"
TERMINATORS = ("enter", "tab", "none")

ENV_NAMES: dict[str, str] = {
    "MYKEY_CLOUD_URL": "cloud_url",
    "MYKEY_READER": "reader_spec",
    "MYKEY_PRINTER": "printer_spec",
    "MYKEY_PRINTER_PROFILE": "printer_profile",
    "MYKEY_MERGE_FOLDER": "merge_folder",
    "MYKEY_KEYSTROKES": "keystroke_spec",
    "MYKEY_KEYSTROKE_TERMINATOR": "keystroke_terminator",
    "MYKEY_HTTP_TIMEOUT_S": "http_timeout_s",
    "MYKEY_HTTP_RETRIES": "http_retries",
    "MYKEY_DEMO": "demo",
}


@dataclass(frozen=True)
class TerminalConfig:
    """Every setting of one terminal installation (units in the names)."""

    home: Path
    cloud_url: str = DEFAULT_CLOUD_URL
    reader_spec: str = "pcsc"
    printer_spec: str = ""
    printer_profile: str = "tm-t88-kanji"
    merge_folder: Path | None = None
    keystroke_spec: str = "auto"
    keystroke_terminator: str = "enter"
    wedge_max_gap_ms: int = 50
    wedge_min_length: int = 4
    wedge_prefix: str = ""
    wedge_suffix: str = ""
    http_timeout_s: float = 10.0
    http_retries: int = 3
    retry_backoff_s: float = 0.5
    card_read_timeout_s: float = 30.0
    demo: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def outbox_path(self) -> Path:
        return self.home / "outbox.sqlite3"

    @property
    def effective_merge_folder(self) -> Path:
        return self.merge_folder or self.home / "merge"

    def save(self) -> Path:
        """Write the settings (except home) to `<home>/config.json`."""
        self.home.mkdir(parents=True, exist_ok=True)
        data = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(self).items()
                if k not in ("home", "extra") and v is not None}
        path = self.home / CONFIG_FILE
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        return path


def default_home(env: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """The OS user data folder for the terminal."""
    env = os.environ if env is None else env
    platform = platform or sys.platform
    if platform.startswith("win"):
        base = env.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "MyKey"
    return Path(env.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "mykey-terminal"


def load_config(env: Mapping[str, str] | None = None, home: Path | None = None) -> TerminalConfig:
    """Read `<home>/config.json` (if any), then apply the environment; validate every value."""
    env = os.environ if env is None else env
    home = home or (Path(env["MYKEY_HOME"]) if env.get("MYKEY_HOME") else default_home(env))
    raw = _read_file(home / CONFIG_FILE)
    raw.update({name: env[var] for var, name in ENV_NAMES.items() if env.get(var) is not None})
    return _build(home, raw)


def _read_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserFacingError("config_invalid", path=path.name, reason=str(exc)) from exc
    if not isinstance(data, dict):
        raise UserFacingError("config_invalid", path=path.name, reason="JSON object expected")
    return data


def _build(home: Path, raw: dict[str, Any]) -> TerminalConfig:
    known = {f.name: f for f in fields(TerminalConfig)}
    config = TerminalConfig(home=home)
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in known or name in ("home", "extra"):
            log.warning("unknown setting %r ignored", name)
            continue
        values[name] = _coerce(name, getattr(config, name), value)
    config = replace(config, **values)
    _check(config)
    return config


def _coerce(name: str, default: Any, value: Any) -> Any:
    try:
        if isinstance(default, bool) or name == "demo":
            return _as_bool(value)
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
        if name == "merge_folder":
            return Path(value) if value else None
        return str(value)
    except (TypeError, ValueError) as exc:
        raise UserFacingError("config_value_invalid", name=name, value=value) from exc


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(value)


def _check(config: TerminalConfig) -> None:
    if not config.cloud_url.startswith(("http://", "https://")):
        raise UserFacingError("config_value_invalid", name="cloud_url", value=config.cloud_url)
    if config.keystroke_terminator not in TERMINATORS:
        raise UserFacingError("config_value_invalid", name="keystroke_terminator",
                              value=config.keystroke_terminator)
    for name in ("http_timeout_s", "retry_backoff_s", "card_read_timeout_s"):
        if getattr(config, name) < 0:
            raise UserFacingError("config_value_invalid", name=name, value=getattr(config, name))
    if config.http_retries < 0 or config.http_retries > 20:
        raise UserFacingError("config_value_invalid", name="http_retries", value=config.http_retries)
