"""API errors as exception classes carrying their HTTP status and a stable code.

Every error leaves the API as application/problem+json:
{"type": "about:blank", "title": <Japanese message>, "status": 4xx, "code": <stable code>,
 "detail": <Japanese message>, "errors": [{"field": ..., "code": ..., "message": ...}]}
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, json
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from cloud_api.messages import CATALOGUE, message

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


@dataclass
class FieldError:
    field: str
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


class ApiError(Exception):
    """An error the client can act on. Raise it from services or views."""

    status = 400
    code = "bad_request"

    def __init__(self, code: str | None = None, status: int | None = None,
                 errors: list[FieldError] | None = None, **params: Any) -> None:
        self.code = code or self.code
        self.status = status or self.status
        self.errors = errors or []
        self.params = params
        super().__init__(self.code)

    @property
    def detail(self) -> str:
        return api_message(self.code, **self.params)


def api_message(code: str, **params: Any) -> str:
    """The Japanese text of an API error or field error, never a bare code: a code without a text
    (a bug, logged) answers with the generic bad_request text, so the client still shows a sentence
    while `code` stays what it branches on."""
    if code not in CATALOGUE:
        log.error("API error code %r has no text; answering with bad_request's", code)
        return message("bad_request")
    return message(code, **params)


class ValidationError(ApiError):
    status = 422
    code = "validation_failed"


class AuthError(ApiError):
    status = 401
    code = "auth_required"


class Forbidden(ApiError):
    status = 403
    code = "forbidden_category"


class NotFound(ApiError):
    status = 404
    code = "not_found"


class Conflict(ApiError):
    status = 409


@dataclass
class Problem:
    status: int
    code: str
    detail: str
    errors: list[FieldError] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def response(self) -> Response:
        body: dict[str, Any] = {"type": "about:blank", "title": self.detail, "status": self.status,
                                "code": self.code, "detail": self.detail}
        if self.errors:
            body["errors"] = [e.to_dict() for e in self.errors]
        body.update(self.extra)
        return Response(json.dumps(body, ensure_ascii=False), status=self.status,
                        mimetype=PROBLEM_JSON)


def problem_for(exc: ApiError) -> Problem:
    return Problem(exc.status, exc.code, exc.detail, exc.errors)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return problem_for(exc).response()

    app.register_error_handler(HTTPException, http_problem)

    @app.errorhandler(DBAPIError)
    def _database_error(exc: DBAPIError) -> Response:
        code = transient_code(exc)
        if code is None:
            return _bug(exc)
        response = Problem(503, code, message(code)).response()
        response.headers["Retry-After"] = "1"
        return response

    @app.errorhandler(Exception)
    def _bug(exc: Exception) -> Response:
        report_id = report_bug()
        return Problem(500, "internal_error", message("internal_error", report_id=report_id),
                       extra={"report_id": report_id}).response()


def http_problem(exc: HTTPException) -> Response:
    """An HTTP error werkzeug raised, as problem+json, with the headers it carries (the
    `Allow` of a 405, as RFC 9110 requires)."""
    return with_headers_of(exc, Problem(exc.code or 400, http_code(exc),
                                        message(http_code(exc))).response())


def with_headers_of(exc: HTTPException, response: Response) -> Response:
    """`response` with the headers werkzeug's error carries, but its own Content-Type."""
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large",
              415: "unsupported_media_type"}


def http_code(exc: HTTPException) -> str:
    """The stable code of an HTTP error werkzeug raised (unknown path, wrong method, …)."""
    return HTTP_CODES.get(exc.code or 400, "bad_request")


def report_bug() -> str:
    """Log the exception being handled, with its traceback, under a new report id for the user."""
    report_id = uuid.uuid4().hex[:12]
    log.exception("unhandled error, report id %s", report_id)
    return report_id


# PostgreSQL errors that end a transaction through no fault of the request: a serialization
# failure, a deadlock's victim, a lock not available
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})


def transient_code(exc: DBAPIError) -> str | None:
    """'database_busy' or 'service_unavailable' if trying again later can succeed (the request's
    transaction was rolled back whole; logged here, without the statement's values); else None."""
    code = None
    if exc.connection_invalidated:
        code = "service_unavailable"
    elif getattr(exc.orig, "sqlstate", None) in TRANSIENT_SQLSTATES:
        code = "database_busy"
    elif type(exc.orig).__module__ == "sqlite3" and "locked" in str(exc.orig):
        code = "database_busy"   # SQLite's busy timeout ran out behind another writer
    if code is not None:
        log.warning("database: %s (%s), the request was rolled back", code,
                    type(exc.orig).__name__)
    return code
