"""Logging of the cloud: plain text for people, or one JSON object per line for log pipelines.

`MYKEY_LOG_FORMAT=json` (or `mykey-cloud serve --log-format json`) makes every record of the app
and of gunicorn (error and access logs) a single JSON line: time (UTC, ISO 8601), level, logger,
message, and the traceback under "exc" when there is one. Access lines carry method, path,
status, bytes, duration and the proxy's X-Request-ID.
"""
from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s"
# gunicorn access-log atoms rendered as JSON fields (the formatter wraps the message as is).
ACCESS_JSON = ('{"remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", "query": "%(q)s", '
               '"status": %(s)s, "bytes": "%(B)s", "duration_us": %(D)s, '
               '"request_id": "%({x-request-id}i)s", "agent": "%(a)s"}')


class JsonFormatter(logging.Formatter):
    """One JSON object per record."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name}
        message = record.getMessage()
        if record.name == "gunicorn.access" and message.startswith("{"):
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


def gunicorn_options(log_format: str) -> dict[str, Any]:
    """gunicorn settings that route its error and access logs through the same format."""
    if log_format != "json":
        return {"accesslog": "-"}
    formatter = {"()": "cloud_api.logs.JsonFormatter"}
    handler = {"class": "logging.StreamHandler", "formatter": "json",
               "stream": "ext://sys.stdout"}
    return {"accesslog": "-", "access_log_format": ACCESS_JSON,
            "logconfig_dict": {"version": 1, "disable_existing_loggers": False,
                               "formatters": {"json": formatter},
                               "handlers": {"console": handler},
                               "root": {"level": "INFO", "handlers": ["console"]},
                               "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["console"],
                                                              "propagate": False},
                                           "gunicorn.access": {"level": "INFO",
                                                               "handlers": ["console"],
                                                               "propagate": False}}}}
