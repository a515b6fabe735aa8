"""Streamed file downloads with a Japanese file name (RFC 6266 filename*)."""
from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from flask import Response

MIME_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def attachment(body: Iterable[bytes], filename: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    ascii_name = "download" + filename[filename.rfind("."):]
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}")
    response.headers["Cache-Control"] = "no-store"
    return response


def report_file(body: Iterable[bytes], stem: str, kind: str) -> Response:
    """A report download `stem.kind` (kind: csv or xlsx) with its media type."""
    return attachment(body, f"{stem}.{kind}", MIME_TYPES[kind])
