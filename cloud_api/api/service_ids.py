"""Service-ID registration and lookup (画面23-26), category A terminals."""
from __future__ import annotations

from typing import Any

from flask import g, request

from cloud_api.api._request import json_object
from cloud_api.api.auth import require_terminal
from cloud_api.api.blueprint import bp
from cloud_api.api.idempotency import idempotent
from cloud_api.context import cloud
from cloud_api.db import unit_of_work
from cloud_api.services import cards, service_ids


def _holder(body: dict[str, Any]) -> cards.CardHolderRef:
    token = body.get("card_token")
    return cloud().card_tokens.resolve(token if isinstance(token, str) else "",
                                    g.terminal.terminal_id, cloud().clock.now())


def view_json(view: service_ids.ServiceIdView, *, full: bool) -> dict[str, Any]:
    business: dict[str, Any] = {"id": view.business.id, "name": view.business.name}
    if full:
        business |= {"lookup_mode": view.business.lookup_mode,
                     "symbology": view.business.symbology}
    return {"id_business": business, "mykey_id": view.mykey_id, "customer_id": view.customer_id}


@bp.post("/service-ids")
@require_terminal("service_id")
@idempotent
def register_service_id() -> tuple[dict[str, Any], int]:
    body = json_object(request)
    holder = _holder(body)
    view = service_ids.register(g.db, g.terminal, holder, body, cloud().clock.now())
    return view_json(view, full=False), 201


@bp.post("/service-ids/lookup")
@require_terminal("service_id")
def lookup_service_id() -> dict[str, Any]:
    holder = _holder(json_object(request))
    with unit_of_work(cloud().sessions) as session:
        return view_json(service_ids.lookup(session, g.terminal, holder), full=True)
