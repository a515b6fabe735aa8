"""画面5-1/5-2 特定支援イベント設定: event form → usable terminals → 確認 → 登録 (and edits).

The event form's values and the chosen targets travel as hidden fields between the round trips
(no server-side draft); every step validates them again, and every target key is re-checked
against what this municipality may choose before it is shown or saved.
"""
from __future__ import annotations

from flask import render_template, request, url_for
from sqlalchemy.orm import Session

from cloud_api.context import cloud
from cloud_api.errors import NotFound
from cloud_api.messages import message
from cloud_api.services.console import point_setup, targets
from cloud_api.services.console.setting_forms import EVENT_FIELDS, SettingForm, read_event_form
from cloud_api.services.validation import digits
from cloud_api.web import security
from cloud_api.web.blueprint import bp
from cloud_api.web.forms import confirm_rows, db, form_dict

Page = str | tuple[str, int]


@bp.get("/events")
@security.screen("event_setup")
def events() -> str:
    code = security.current().municipality_code
    with db() as session:
        return render_template("events.html", events=point_setup.events(session, code))


@bp.get("/events/new")
@security.screen("event_setup")
def event_new() -> str:
    code = security.current().municipality_code or ""
    with db() as session:
        values = point_setup.current_values(session, code, None)
    values.update(show_on_mypage="1", point_name="", validity_days="")
    return render_template("event_form.html", values=values, errors={}, keys=[], point_id="")


@bp.get("/events/<int(max=99999999):point_id>/edit")
@security.screen("event_setup")
def event_edit(point_id: int) -> str:
    code = security.current().municipality_code or ""
    with db() as session:
        point = point_setup.own_event(session, code, point_id)
        values = point_setup.current_values(session, code, point)
        keys = [t.key for t in targets.from_models(point_setup.event_targets(session, point))]
    return render_template("event_form.html", values=values, errors={}, keys=keys, point_id=point_id)


@bp.post("/events/targets")
@security.screen("event_setup")
def event_targets() -> Page:
    """Every button of 5-1 and 5-2 posts here; `op` says which."""
    code = security.current().municipality_code or ""
    form = read_event_form(form_dict(), code)
    op = request.form.get("op", "targets")
    with db() as session:
        keys = [t.key for t in targets.parse_keys(session, request.form.getlist("target"), code)]
        point_id = _point_id(session, code)
        if not form.ok or op == "back":
            return render_template("event_form.html", values=form.values, errors=form.error_map(),
                                   keys=keys, point_id=point_id), 200 if op == "back" else 422
        keys, listed, error = _apply_op(session, op, keys, code)
        if op == "confirm" and not error:
            return _confirm(session, form, keys, point_id)
        return _targets_page(session, form, keys, point_id, listed, error)


@bp.post("/events/register")
@security.screen("event_setup")
def event_register() -> Page:
    identity = security.current()
    code = identity.municipality_code or ""
    form = read_event_form(form_dict(), code)
    with db() as session:
        chosen = targets.parse_keys(session, request.form.getlist("target"), code)
        point_id = _point_id(session, code)
        if not form.ok:   # e.g. a forged municipality_code: back to the form, never its towns
            return render_template("event_form.html", values=form.values,
                                   errors=form.error_map(), keys=[t.key for t in chosen],
                                   point_id=point_id), 422
        if not chosen or request.form.get("action") == "back":
            error = None if chosen else message("web_targets_required")
            return _targets_page(session, form, [t.key for t in chosen], point_id, None, error)
        point = point_setup.own_event(session, code, int(point_id)) if point_id else None
        point_setup.save_event(session, form, chosen, identity.login_id, cloud().clock.now(), point)
    return render_template("done.html", heading="特定支援イベント設定", text=message("web_event_registered"),
                           back=url_for("console.events"))


def _point_id(session: Session, code: str) -> str:
    raw = request.form.get("point_id", "")
    if raw and (not digits(raw, 8) or point_setup.own_event(session, code, int(raw)) is None):
        raise NotFound()
    return raw


def _apply_op(session: Session, op: str, keys: list[str], code: str,
              ) -> tuple[list[str], str | None, str | None]:
    """Add or remove selections; returns (keys, town whose terminals to list, error text)."""
    kind, _, town = op.partition(":")
    new: list[str] = []
    if kind == "town":
        new = [f"municipality:{town}"]
    elif kind == "category":
        new = [f"category:{town}:{request.form.get('category_' + town, '')}"]
    elif kind == "business":
        new = [f"id_business:{request.form.get('business_' + town, '')}"]
    elif kind == "pick":
        new = [f"terminal:{t}" for t in request.form.getlist("pick")]
    elif kind == "remove":
        drop = set(request.form.getlist("remove"))
        keys = [k for k in keys if k not in drop]
    keys = [t.key for t in targets.parse_keys(session, keys + new, code)]
    error = message("web_targets_required") if kind == "confirm" and not keys else None
    return keys, (town if kind == "list" else None), error


def _targets_page(session: Session, form: SettingForm, keys: list[str], point_id: str,
                  listed: str | None, error: str | None) -> Page:
    code = form.values["municipality_code"]
    towns = targets.selectable_towns(session, code)
    if listed is not None and listed not in {town.code for town in towns}:
        raise NotFound()   # another prefecture's town: its terminals are not ours to list
    chosen = targets.parse_keys(session, keys, code)
    return render_template(
        "event_targets.html", values=form.values, names=EVENT_FIELDS, point_id=point_id,
        towns=towns, businesses=targets.businesses(session, [t.code for t in towns]),
        chosen=[(t.key, targets.label(session, t)) for t in chosen], error=error,
        listed=listed, terminals=targets.terminals_of(session, listed) if listed else [],
        categories=targets.CATEGORY_LABELS), 422 if error else 200


def _confirm(session: Session, form: SettingForm, keys: list[str], point_id: str) -> str:
    chosen = targets.parse_keys(session, keys, form.values["municipality_code"])
    return render_template(
        "setting_confirm.html", heading="特定支援イベント設定", values={**form.values, "point_id": point_id},
        names=(*EVENT_FIELDS, "point_id"), rows=confirm_rows(form.values, EVENT_FIELDS),
        action=url_for("console.event_register"), target_keys=keys,
        target_labels=[targets.label(session, t) for t in chosen])
