"""Cloud failures as exceptions: problem+json -> CloudError, 426 -> VersionTooOld, no answer ->
CloudUnreachable. All are user-facing: their text is the cloud's Japanese `detail` or ours.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from terminal_app.domain.errors import UserFacingError
from terminal_app.messages import message


@dataclass(frozen=True)
class FieldProblem:
    field: str
    code: str
    message: str


class CloudError(UserFacingError):
    """The cloud refused the request: a stable `code`, Japanese `detail`, HTTP `status`."""

    def __init__(self, code: str, detail: str, status: int,
                 errors: tuple[FieldProblem, ...] = (), extra: dict[str, Any] | None = None) -> None:
        self.detail = detail
        self.status = status
        self.errors = errors
        self.extra = extra or {}
        super().__init__(code, detail)

    @property
    def report_id(self) -> str | None:
        value = self.extra.get("report_id")
        return str(value) if value else None


class VersionTooOld(CloudError):
    """426: this software is older than the cloud accepts."""

    def __init__(self, min_version: str, detail: str | None = None) -> None:
        self.min_version = min_version
        super().__init__("version_too_old", detail or message("version_too_old_local",
                                                               min_version=min_version), 426,
                         extra={"min_version": min_version})


class CloudUnreachable(UserFacingError):
    """No HTTP answer at all (connection refused, timeout, reset)."""

    def __init__(self, reason: str = "") -> None:
        self.reason = reason
        super().__init__("cloud_unreachable")


def error_from_response(status: int, body: bytes) -> CloudError:
    """Map an error response (problem+json, or anything else) to a CloudError."""
    try:
        data = json.loads(body.decode("utf-8")) if body else {}
    except (UnicodeDecodeError, ValueError):
        data = {}
    if not isinstance(data, dict) or "code" not in data:
        return CloudError("bad_response", message("cloud_bad_response", status=status), status)
    detail = str(data.get("detail") or data.get("title") or data["code"])
    if status == 426 or data["code"] == "version_too_old":
        found = re.search(r"[0-9]+(?:\.[0-9]+)+", detail)   # older clouds: only in the text
        return VersionTooOld(str(data.get("min_version") or (found.group(0) if found else "")),
                             detail)
    problems = tuple(FieldProblem(str(e.get("field", "")), str(e.get("code", "")),
                                  str(e.get("message", ""))) for e in data.get("errors") or ()
                     if isinstance(e, dict))
    extra = {k: v for k, v in data.items()
             if k not in ("type", "title", "status", "code", "detail", "errors")}
    return CloudError(str(data["code"]), detail, status, problems, extra)
