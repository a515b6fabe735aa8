"""Terminal registration (画面9/10) and the terminal's own record (画面22 連絡先の変更)."""
from __future__ import annotations

import logging
from typing import Any

from flask import g, request

from cloud_api.api._request import json_object
from cloud_api.api.auth import check_client_version, require_terminal
from cloud_api.api.blueprint import bp
from cloud_api.api.idempotency import idempotent
from cloud_api.context import cloud
from cloud_api.db import unit_of_work
from cloud_api.models.accounts import Terminal
from cloud_api.services import terminals
from cloud_api.services.terminals import context_of

log = logging.getLogger(__name__)


def _check_password(body: dict[str, Any]) -> Terminal:
    """A password attempt, committed on its own so failures count even though we reject."""
    c = cloud()
    with unit_of_work(c.sessions) as session:
        terminal, error = terminals.attempt_password(
            session, body.get("terminal_id"), body.get("password"),
            c.settings.password_max_failures)
    if error is not None:
        raise error
    assert terminal is not None
    return terminal


@bp.post("/terminals/precheck")
def precheck() -> dict[str, Any]:
    check_client_version()
    terminal = _check_password(json_object(request))
    with unit_of_work(cloud().sessions) as session:
        t = terminals.get_terminal(session, terminal.terminal_id)
        m = terminals.municipality_of(session, t)
        businesses = terminals.id_businesses_of(session, t.municipality_code) \
            if t.category == "A" else []
        return {"terminal_id": t.terminal_id, "category": t.category,
                "also_point_use": t.also_point_use,
                "municipality": {"code": m.code, "name": m.name},
                "id_businesses": [{"id": b.id, "name": b.name} for b in businesses],
                "registered": t.state == "active"}


@bp.post("/terminals/register")
def register() -> Any:
    check_client_version()
    terminal = _check_password(json_object(request))
    g.terminal = context_of(terminal)
    return _register()


@idempotent
def _register() -> Any:
    body = json_object(request)
    c = cloud()
    t = terminals.get_terminal(g.db, g.terminal.terminal_id, lock=True)
    terminals.register(g.db, t, public_key=body.get("public_key"),
                       fingerprint=body.get("fingerprint"), contact=body.get("contact"),
                       now=c.clock.now())
    g.db.flush()
    return {"terminal": terminal_json(g.db, t)}, 201


@bp.get("/terminal")
@require_terminal()
def terminal_self() -> dict[str, Any]:
    with unit_of_work(cloud().sessions) as session:
        return terminal_json(session, terminals.get_terminal(session, g.terminal.terminal_id))


@bp.put("/terminal/contact")
@require_terminal()
@idempotent
def change_contact() -> dict[str, Any]:
    t = terminals.update_contact(g.db, g.terminal.terminal_id, json_object(request))
    return terminal_json(g.db, t)


def terminal_json(session: Any, t: Terminal) -> dict[str, Any]:
    m = terminals.municipality_of(session, t)
    business, b = None, terminals.id_business_of(session, t)
    if b is not None:
        business = {"id": b.id, "name": b.name, "lookup_mode": b.lookup_mode,
                    "symbology": b.symbology, "is_shopping_street": b.is_shopping_street,
                    "street_name": b.street_name}
    ctx = context_of(t)
    return {"terminal_id": t.terminal_id, "category": t.category,
            "also_point_use": t.also_point_use, "permissions": sorted(ctx.permissions),
            "municipality": {"code": m.code, "name": m.name}, "id_business": business,
            "contact": {"id_business_id": t.id_business_id,
                        **{f: getattr(t, f) for f in terminals.CONTACT_FIELDS}}}
