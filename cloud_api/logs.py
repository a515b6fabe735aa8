"""Logging of the cloud: plain text for people, or one JSON object per line for log pipelines.

`MYKEY_LOG_FORMAT=json` (or `mykey-cloud serve --log-format json`) makes every record of the app
and of the WSGI server (granian: server and access logs) a single JSON line: time (UTC,
ISO 8601), level, logger, message, and the traceback under "exc" when there is one. Access lines
carry method, path, status, duration_ms and the proxy's X-Request-ID.
"""
from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s"
# granian's access log as JSON fields (its own atoms; headers as %(header{name})s).
GRANIAN_ACCESS_JSON = ('{"remote": "%(addr)s", "method": "%(method)s", "path": "%(path)s", '
                       '"query": "%(query_string)s", "status": %(status)d, '
                       '"duration_ms": %(dt_ms).3f, "request_id": "%(header{x-request-id})s", '
                       '"agent": "%(header{user-agent})s"}')
GRANIAN_ACCESS_TEXT = ('%(addr)s "%(method)s %(path)s %(protocol)s" %(status)d %(dt_ms).1fms '
                       'request_id=%(header{x-request-id})s')
ACCESS_LOGGERS = ("granian.access",)


class JsonFormatter(logging.Formatter):
    """One JSON object per record."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name}
        message = record.getMessage()
        if record.name in ACCESS_LOGGERS and message.startswith("{"):
            try:
                data["access"] = json.loads(message)
            except ValueError:
                data["message"] = message
        else:
            data["message"] = message
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def setup(log_format: str, level: int = logging.INFO) -> None:
    """Configure the root logger for the chosen format ("text" or "json")."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def granian_options(log_format: str) -> dict[str, Any]:
    """granian settings: its server and access loggers in the same format as the app."""
    if log_format != "json":
        formatter: dict[str, Any] = {"()": "logging.Formatter", "fmt": TEXT_FORMAT}
        access_format = GRANIAN_ACCESS_TEXT
    else:
        formatter, access_format = {"()": "cloud_api.logs.JsonFormatter"}, GRANIAN_ACCESS_JSON
    return {"log_access": True, "log_access_format": access_format,
            "log_dictconfig": _stdout_config(formatter, ("_granian", "granian.access"))}


def _stdout_config(formatter: dict[str, Any], server_loggers: tuple[str, ...]) -> dict[str, Any]:
    """A logging dictConfig: everything at INFO to stdout through `formatter`; the server's own
    loggers write there directly (not again through the root)."""
    console = {"handlers": ["console"], "level": "INFO"}
    return {"version": 1, "disable_existing_loggers": False,
            "formatters": {"app": formatter},
            "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "app",
                                     "stream": "ext://sys.stdout"}},
            "root": console,
            "loggers": {name: {**console, "propagate": False} for name in server_loggers}}
