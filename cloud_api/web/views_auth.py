"""画面2 login, logout and the menus (画面3 municipality, 画面80 partner, 画面28 shop)."""
from __future__ import annotations

import logging

from flask import flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from cloud_api.context import cloud
from cloud_api.db import unit_of_work
from cloud_api.messages import message
from cloud_api.services.console.login import login as attempt_login
from cloud_api.web import security
from cloud_api.web.blueprint import bp

log = logging.getLogger(__name__)


@bp.get("/")
def index() -> Response:
    return redirect(url_for("console.menu" if g.get("identity") else "console.login"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    if request.method == "GET":
        return render_template("login.html", login_id="", next=_safe_next(request.args.get("next")))
    login_id = request.form.get("login_id", "").strip()[:32]
    password = request.form.get("password", "")[:128]
    c = cloud()
    with unit_of_work(c.sessions) as session:   # failed attempts are committed too
        outcome = attempt_login(session, login_id, password, c.settings.password_max_failures)
    if outcome.identity is None:
        return render_template("login.html", login_id=login_id, next=_safe_next(request.form.get("next")),
                               error=message(outcome.error or "web_login_failed")), 401
    security.start_session(outcome.identity)
    log.info("console login: %s (%s)", outcome.identity.login_id, outcome.identity.kind)
    return redirect(_safe_next(request.form.get("next")) or url_for("console.menu"))


@bp.post("/logout")
def logout() -> Response:
    security.end_session()
    flash(message("web_logged_out"), "info")
    return redirect(url_for("console.login"))


@bp.get("/menu")
def menu() -> str | Response:
    if g.get("identity") is None:
        return redirect(url_for("console.login"))
    return render_template("menu.html")


def _safe_next(target: str | None) -> str | None:
    """Only a path inside the console (no open redirect to another site)."""
    if target and target.startswith("/console/") and not target.startswith("//") and "\\" not in target:
        return target
    return None
