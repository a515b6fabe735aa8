"""ログインロック解除: a municipality's administrator unlocks its own locked logins.

GET lists the locked staff logins and terminals of the logged-in municipality; POST with
action=confirm shows the confirm step, action=unlock clears the lockout (CSRF-checked like every
console POST) and writes an audit log line. Another municipality's login, a partner's or one that
is not locked is "not found" (404) and nothing changes, even for a forged POST.
"""
from __future__ import annotations

import logging

from flask import render_template, request, url_for

from cloud_api.context import cloud
from cloud_api.messages import message
from cloud_api.services.console import login as logins
from cloud_api.web import security
from cloud_api.web.blueprint import bp
from cloud_api.web.forms import db

log = logging.getLogger(__name__)

KIND_LABELS = {logins.STAFF: "職員ログイン", logins.TERMINAL: "端末"}


@bp.get("/staff-locks")
@security.screen("staff_unlock")
def staff_locks() -> str:
    code = security.current().municipality_code or ""
    with db() as session:
        rows = logins.locked_logins(session, code, cloud().settings.password_max_failures)
    return render_template("staff_locks.html", rows=rows, kinds=KIND_LABELS)


@bp.post("/staff-locks")
@security.screen("staff_unlock")
def staff_locks_post() -> str:
    identity = security.current()
    code = identity.municipality_code or ""
    kind = request.form.get("kind", "")[:16]
    login_id = request.form.get("login_id", "")[:32]
    with db() as session:
        if request.form.get("action") != "unlock":
            row = logins.find_locked(session, code, kind, login_id,
                                     cloud().settings.password_max_failures)
            return render_template("staff_unlock_confirm.html", row=row, kinds=KIND_LABELS)
        row = logins.unlock(session, code, kind, login_id,
                            cloud().settings.password_max_failures, by=identity.login_id)
    text = message("web_unlock_done", label=KIND_LABELS[row.kind], login_id=row.login_id)
    return render_template("done.html", heading="ログインロック解除", text=text,
                           back=url_for("console.staff_locks"))
