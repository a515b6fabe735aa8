"""画面4 自治体ポイント設定: input → 確認 → 登録, its 変更履歴, and the postal-code 検索."""
from __future__ import annotations

from dataclasses import asdict

from flask import jsonify, render_template, request, url_for
from werkzeug.wrappers import Response

from cloud_api.context import cloud
from cloud_api.messages import message
from cloud_api.services.console import point_setup as setup
from cloud_api.services.console.postal import lookup
from cloud_api.services.console.setting_forms import POINT_FIELDS, read_point_form
from cloud_api.services.validation import digits
from cloud_api.web import security
from cloud_api.web.blueprint import bp
from cloud_api.web.forms import LABELS, confirm_rows, db, form_dict

HISTORY_COLUMNS = ("point_name", "validity_days", "municipality_name", "department", "person",
                   "postal_code", "address", "phone", "email", "service_from", "service_to",
                   "show_on_mypage", "bank_name", "bank_account_number", "targets")


@bp.get("/points")
@security.screen("point_setup")
def point_setup() -> str:
    code = security.current().municipality_code or ""
    with db() as session:
        point = setup.municipal_point(session, code)
        values = setup.current_values(session, code, point)
        return render_template("point_form.html", values=values, errors={},
                               point_id=point.id if point else None)


@bp.post("/points")
@security.screen("point_setup")
def point_setup_post() -> tuple[str, int] | str:
    identity = security.current()
    form = read_point_form(form_dict(), identity.municipality_code or "")
    action = request.form.get("action", "confirm")
    if not form.ok or action == "back":
        status = 200 if action == "back" else 422
        return render_template("point_form.html", values=form.values, errors=form.error_map(),
                               point_id=None), status
    if action != "register":
        return render_template("setting_confirm.html", heading="自治体ポイント設定", values=form.values,
                               names=POINT_FIELDS, rows=confirm_rows(form.values, POINT_FIELDS),
                               action=url_for("console.point_setup_post"), target_keys=[])
    with db() as session:
        setup.save_municipal_point(session, form, identity.login_id, cloud().clock.now())
    return render_template("done.html", heading="自治体ポイント設定", text=message("web_point_registered"),
                           back=url_for("console.point_setup"))


@bp.get("/points/<int(max=99999999):point_id>/history")
@security.screen("point_setup")
def point_history(point_id: int) -> str:
    code = security.current().municipality_code
    with db() as session:
        point = setup.own_point(session, code, point_id)
        versions = setup.history(session, point_id)
        back = url_for("console.point_setup" if point.kind == "municipal" else "console.events")
        return render_template("history.html", point_name=point.name, versions=versions, back=back,
                               columns=[(c, LABELS.get(c, "利用先")) for c in HISTORY_COLUMNS])


@bp.get("/postal/<code>")
@security.screen("point_setup")
def postal_lookup(code: str) -> tuple[Response, int] | Response:
    """検索: the address of a 7-digit postal code (JSON for the form's script)."""
    if len(code) != 7 or not digits(code, 7):
        return jsonify(error=message("web_postal_format")), 422
    found = lookup(code)
    if found is None:
        return jsonify(error=message("web_postal_not_found")), 404
    return jsonify(asdict(found))
