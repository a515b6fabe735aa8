"""画面63-65 ポイント付与事業登録: input (with the 付与事業マスタ) → 確認 → 登録 → 完了."""
from __future__ import annotations

from flask import render_template, request, url_for
from sqlalchemy.orm import Session

from cloud_api.context import cloud
from cloud_api.messages import message
from cloud_api.services.console import grant_business
from cloud_api.web import security
from cloud_api.web.blueprint import bp
from cloud_api.web.forms import db, form_dict


@bp.get("/grant-businesses")
@security.screen("grant_business")
def grant_businesses() -> str:
    code = security.current().municipality_code or ""
    with db() as session:
        return _form_page(session, code, {}, {})


@bp.post("/grant-businesses")
@security.screen("grant_business")
def grant_businesses_post() -> str | tuple[str, int]:
    code = security.current().municipality_code or ""
    action = request.form.get("action", "confirm")
    with db() as session:
        form = grant_business.read_form(session, form_dict(), code)
        if form.errors or action == "back":
            return _form_page(session, code, form.values, form.error_map()), 200 if action == "back" else 422
        if action != "register":
            return render_template("grant_confirm.html", form=form, identity_code=code)
        grant_business.register(session, form, code, cloud().clock.now())
    return render_template("done.html", heading="ポイント付与事業管理", text=message("web_grant_registered"),
                           back=url_for("console.grant_businesses"))


def _form_page(session: Session, code: str, values: dict[str, str], errors: dict[str, str]) -> str:
    return render_template("grant_form.html", values=values, errors=errors,
                           points=grant_business.own_points(session, code),
                           rows=grant_business.listing(session, code))
