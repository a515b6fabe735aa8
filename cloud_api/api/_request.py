"""Reading a request's JSON body for every API view: bounded before it is parsed.

Python's json module parses nested arrays and objects by recursion, so a body of a thousand
`[` raises RecursionError instead of ValueError; a large body costs memory before any check.
Both are refused here before `json.loads` runs: the body is at most MAX_BODY_BYTES (the API's
own limit, below the app's MAX_CONTENT_LENGTH which console uploads need; 413) and nests at
most MAX_DEPTH levels (400 json_too_deep). Every API body is a JSON object (422 otherwise).
"""
from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote, urlsplit

from flask import Request

from cloud_api.errors import ApiError, ValidationError

# the largest legitimate body: a roster of 5,000 people or 100 mobile reads with certificates
MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 16   # our deepest body (a roster entry inside the roster) nests 3 levels
# a JSON string (its escapes included), then any bracket: strings are skipped as one match
_STRING_OR_BRACKET = re.compile(rb'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)


def limit_body(request: Request) -> None:
    """Before every API request: bodies above MAX_BODY_BYTES are refused (413) when read."""
    request.max_content_length = MAX_BODY_BYTES


def request_target(environ: dict[str, Any]) -> str:
    """The path and query exactly as the request line sent them (what a terminal signs).

    werkzeug, waitress and gunicorn pass the raw target (RAW_URI / REQUEST_URI); granian passes
    only the decoded path, whose canonical percent-encoding (every byte but the unreserved
    characters and '/' as %XX, upper-case hex: what the terminal client sends, docs/api.md)
    stands in for it. A target sent in another encoding then fails the signature: refused,
    never misread."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        if not raw.startswith("/"):   # absolute-form (via a proxy): drop scheme and host
            parts = urlsplit(raw)
            raw = parts.path + (f"?{parts.query}" if parts.query else "")
        return str(raw)
    path = (environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")).encode("latin-1")
    query = environ.get("QUERY_STRING", "")
    return quote(path, safe="/") + (f"?{query}" if query else "")


def json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object: 413 too large, 400 too deep, 422 not a JSON object."""
    raw = request.get_data(cache=True)
    if request.mimetype != "application/json" and not request.mimetype.endswith("+json"):
        raise ValidationError("body_not_object")
    check_depth(raw)
    try:
        data = json.loads(raw)
    except ValueError:   # also UnicodeDecodeError
        raise ValidationError("body_not_object") from None
    if not isinstance(data, dict):
        raise ValidationError("body_not_object")
    return data


def check_depth(raw: bytes, max_depth: int = MAX_DEPTH) -> None:
    """400 json_too_deep when arrays/objects nest deeper than `max_depth` (strings skipped)."""
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(raw):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > max_depth:
                raise ApiError("json_too_deep", 400, max_depth=max_depth)
        elif token in (b"]", b"}"):
            depth -= 1
