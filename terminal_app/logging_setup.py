"""Logging of the desktop app: a rotating file in the terminal's home plus stderr, with secrets masked.

`setup_logging(home)` writes to `<home>/logs/terminal.log` (1 MB × 5 generations). A
`SecretMaskingFilter` sits on every handler, so a PIN, password, signature password, card token
or certificate body that reaches a log record by mistake is replaced by `***` before it is
written anywhere (the code never logs them on purpose; this is the safety net).
"""
from __future__ import annotations

import logging
import logging.handlers
import re
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

LOG_DIR = "logs"
LOG_FILE = "terminal.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
MASK = "***"

_SECRET_KEYS = (r"pin|pin_?code|暗証番号|password|passwd|pass_?phrase|パスワード|"
                r"sign_?password|署名用パスワード|card_?token|token|private_?key|secret")
_KEY_VALUE = re.compile(
    r"(?P<key>[\"']?\b(?:" + _SECRET_KEYS + r")\b[\"']?(?:\s*[:=：]\s*|\s+(?=\d)))"
    r"(?P<value>\"[^\"]*\"|'[^']*'|[^\s,;)}\]]+)", re.IGNORECASE)
_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]+-----.*?(?:-----END [A-Z0-9 ]+-----|$)", re.DOTALL)
_LONG_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=])(?:[A-Za-z0-9+/]{4}){40,}(?:[A-Za-z0-9+/]{2}==|"
                          r"[A-Za-z0-9+/]{3}=)?(?![A-Za-z0-9+/=])")
_LONG_HEX = re.compile(r"\b(?:[0-9A-Fa-f]{2}[ :]?){64,}\b")


def mask_secrets(text: str) -> str:
    """`text` with secret values (key=value pairs, PEM blocks, certificate-sized blobs) masked."""
    text = _PEM.sub("[certificate " + MASK + "]", text)
    text = _KEY_VALUE.sub(lambda m: m.group("key") + MASK, text)
    text = _LONG_BASE64.sub(MASK, text)
    return _LONG_HEX.sub(MASK, text)


class SecretMaskingFilter(logging.Filter):
    """Rewrites each record's final message (and traceback text) with `mask_secrets`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_secrets(record.exc_text)
        return True


@dataclass(frozen=True)
class LogSetup:
    """What `setup_logging` installed (tests and the diagnostics export read `path`)."""

    path: Path
    handlers: tuple[logging.Handler, ...]
    previous_level: int = logging.WARNING

    def remove(self) -> None:
        """Detach and close the handlers (tests; the app keeps them for its lifetime)."""
        root = logging.getLogger()
        for handler in self.handlers:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(self.previous_level)


def log_path(home: Path) -> Path:
    return Path(home) / LOG_DIR / LOG_FILE


def setup_logging(home: Path, level: int = logging.INFO, *, stderr: bool = True) -> LogSetup:
    """Attach the rotating file (and stderr) handlers, each with the masking filter, to root."""
    path = log_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    handlers: list[logging.Handler] = [logging.handlers.RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")]
    if stderr:
        handlers.append(logging.StreamHandler())
    root = logging.getLogger()
    previous = root.level
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(SecretMaskingFilter())
        root.addHandler(handler)
    root.setLevel(level)
    log.info("logging to %s", path)
    return LogSetup(path, tuple(handlers), previous)
