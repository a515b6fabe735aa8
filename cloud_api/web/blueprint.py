"""The console's blueprint: its guard (idle timeout, CSRF) and error pages. The view modules
attach their pages to `bp`; cloud_api/web/__init__.py registers it."""
from __future__ import annotations

import logging
from typing import Any

from flask import (
    Blueprint,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from cloud_api.errors import (
    ApiError,
    http_code,
    http_problem,
    report_bug,
    transient_code,
    with_headers_of,
)
from cloud_api.messages import message
from cloud_api.web import security

log = logging.getLogger(__name__)
bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static", static_url_path="/static")


@bp.before_request
def _guard() -> Response | None:
    expired = security.touch_session()
    if expired:
        flash(message(expired), "error")
        return redirect(url_for("console.login"))
    security.check_csrf()
    return None


@bp.app_context_processor
def _template_globals() -> dict[str, Any]:
    return {"csrf_token": security.csrf_token, "identity": g.get("identity"), "msg": message}


@bp.after_request
def _no_store(response: Response) -> Response:
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; style-src 'self'")
    return response


@bp.errorhandler(security.CsrfFailed)
def _csrf_failed(_exc: Exception) -> tuple[str, int]:
    log.warning("CSRF token missing or wrong on %s", request.path)
    return render_template("error.html", text=message("web_csrf_failed")), 400


@bp.errorhandler(security.NotAllowed)
def _not_allowed(_exc: Exception) -> tuple[str, int]:
    return render_template("error.html", text=message("web_forbidden")), 403


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError) -> tuple[str, int]:
    return render_template("error.html", text=exc.detail), exc.status


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    return _error_page(exc)


def _error_page(exc: HTTPException) -> Response:
    """The console's page for an HTTP error, with the headers it carries (a 405's Allow)."""
    page = render_template("error.html", text=message(http_code(exc)))
    return with_headers_of(exc, make_response(page, exc.code or 400))


@bp.errorhandler(DBAPIError)
def _database_error(exc: DBAPIError) -> tuple[str, int]:
    code = transient_code(exc)
    if code is None:
        return _bug(exc)
    return render_template("error.html", text=message(code)), 503


@bp.errorhandler(Exception)
def _bug(_exc: Exception) -> tuple[str, int]:
    """The staff see the page with a report id; the traceback goes to the log only."""
    return render_template("error.html", text=message("internal_error", report_id=report_bug())), 500


def routing_error(exc: HTTPException) -> Response:
    if request.path == bp.url_prefix or request.path.startswith(f"{bp.url_prefix}/"):
        return _error_page(exc)
    return http_problem(exc)
