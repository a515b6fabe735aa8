"""Grant business support endpoints (category E, permission `grant`; docs/grant-business.md).

- GET  /grant-businesses                     master sync at every login (画面68/75)
- GET  /grant-businesses/<id>/roster         roster sync of a mobile grant device (画面76)
- POST /grant-businesses/<id>/roster         roster + person master upload from a PC (画面71/72/79)
- POST /grant-businesses/<id>/grants         grant one listed person for a 付与日 (画面73/79)
- POST /grant-uploads                        a mobile device's offline card reads (画面77→78)
A business grants one person once per 付与日, whichever device asks (services/grants/awards.py).
Email notices go out after commit: for uploads here, and for a single grant through an
after-request hook (the view leaves the notice in `g`, so a replayed answer sends none).
"""
from __future__ import annotations

from typing import Any

from flask import Response, current_app, g, request
from sqlalchemy.exc import IntegrityError

from cloud_api.api import points_input as inp
from cloud_api.api._request import json_object
from cloud_api.api.auth import require_terminal
from cloud_api.api.blueprint import bp
from cloud_api.api.idempotency import idempotent
from cloud_api.context import cloud
from cloud_api.db import unit_of_work
from cloud_api.errors import ApiError
from cloud_api.services import jpki
from cloud_api.services.grants import awards, roster, uploads
from cloud_api.services.ledger.refs import business_date
from cloud_api.services.notify import GrantMailer, GrantNotice


def mailer() -> GrantMailer:
    """The app's one mailer (created on first use)."""
    ext = current_app.extensions
    if "grant_mailer" not in ext:
        ext["grant_mailer"] = GrantMailer(cloud().settings, cloud().sessions)
    return ext["grant_mailer"]


def _business_id(value: str) -> str:
    inp.check([inp.pattern_error({"grant_business_id": value}, "grant_business_id",
                                 inp.GRANT_BUSINESS_ID, "grant_business_id_invalid")])
    return value


@bp.get("/grant-businesses")
@require_terminal("grant")
def grant_businesses() -> dict[str, Any]:
    with unit_of_work(cloud().sessions) as session:
        return roster.businesses_json(session, g.terminal.municipality_code)


@bp.get("/grant-businesses/<business_id>/roster")
@require_terminal("grant")
def get_roster(business_id: str) -> dict[str, Any]:
    with unit_of_work(cloud().sessions) as session:
        return roster.roster_json(session, g.terminal.municipality_code, _business_id(business_id))


@bp.post("/grant-businesses/<business_id>/roster")
@require_terminal("grant")
@idempotent
def post_roster(business_id: str) -> tuple[dict[str, Any], int]:
    entries = roster.parse_entries(json_object(request))
    counts = roster.merge_entries(g.db, g.terminal.municipality_code, _business_id(business_id),
                                  g.terminal.terminal_id, entries, cloud().clock.now())
    return counts, 200


@bp.post("/grant-businesses/<business_id>/grants")
@require_terminal("grant")
@idempotent
def post_grant(business_id: str) -> tuple[dict[str, Any], int]:
    data, c = json_object(request), cloud()
    inp.check([inp.pattern_error(data, "mykey_id", inp.MYKEY_ID, "mykey_id_invalid"),
               inp.pattern_error(data, "client_ref", inp.CLIENT_REF, "client_ref_invalid")])
    day = awards.parse_grant_date(data.get("grant_date"), business_date(c.clock.now()))
    result = awards.grant_listed(g.db, c.clock, g.terminal, _business_id(business_id),
                                 data["mykey_id"], day, data["client_ref"])
    assert result.receipt is not None
    g.ledger_txn_id = result.receipt.txn_id
    g.grant_notice = GrantNotice(result.award.mykey_id, result.business_name,
                                 result.receipt.point_name, result.receipt.amount,
                                 result.receipt.txn_no)
    return {**result.receipt.to_json(), "grant_business_id": business_id,
            "mykey_id": result.award.mykey_id, "grant_date": day.isoformat()}, 201


@bp.post("/grant-uploads")
@require_terminal("grant")
def grant_uploads() -> dict[str, Any]:
    data = json_object(request)
    business_id = _business_id(str(data.get("grant_business_id", "")))
    items = uploads.parse_items(data)
    c = cloud()
    store = jpki.trust_store(c.settings.jpki_ca_dir)
    try:
        with unit_of_work(c.sessions) as session:
            results, granted = uploads.process(session, c.clock, g.terminal, store,
                                               business_id, items)
    except IntegrityError as exc:
        raise ApiError("upload_conflict", 409) from exc
    mailer().after_commit([GrantNotice(x.mykey_id, x.business_name, x.point_name, x.amount,
                                       x.txn_no) for x in granted])
    return {"grant_business_id": business_id, "results": results}


@bp.after_app_request
def notify_ledger_grant(response: Response) -> Response:
    """After a single grant (POST /grant-businesses/<id>/grants) committed, queue the holder's
    notice (the view leaves it in g; a replayed answer never runs the view)."""
    notice = g.pop("grant_notice", None)
    if notice is not None and response.status_code == 201:
        mailer().after_commit([notice])
    return response
