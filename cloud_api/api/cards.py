"""Card reads: My Number card certificate → MyKey ID + balances, and shopping cards (画面29/37)."""
from __future__ import annotations

import base64
import binascii
import logging
from typing import Any

from flask import g, request

from cloud_api.api._request import json_object
from cloud_api.api.auth import require_terminal
from cloud_api.api.blueprint import bp
from cloud_api.clock import JST
from cloud_api.context import cloud
from cloud_api.db import unit_of_work
from cloud_api.errors import ValidationError
from cloud_api.models.accounts import Holder
from cloud_api.services import cards, jpki, points, service_ids
from cloud_api.services.ledger.balances import balances_for
from cloud_api.services.validation import field_error

log = logging.getLogger(__name__)

MAX_CERT_BYTES = 8192


def decode_certificate(body: dict[str, Any], name: str = "auth_cert") -> bytes:
    value = body.get(name)
    try:
        der = base64.b64decode(value, validate=True) if isinstance(value, str) and value else b""
    except (binascii.Error, ValueError):
        der = b""
    if not der or len(der) > MAX_CERT_BYTES:
        raise ValidationError(errors=[field_error(name, "invalid_format")])
    return der


def verified_certificate(body: dict[str, Any], name: str = "auth_cert") -> jpki.VerifiedCert:
    c = cloud()
    store = jpki.trust_store(c.settings.jpki_ca_dir)
    return jpki.verify_certificate(decode_certificate(body, name), store, c.clock.now())


def card_json(session: Any, holder: Holder,
              source: str = cards.MY_NUMBER_CARD) -> dict[str, Any]:
    """The answer of every card read: token bound to this terminal + usable balances."""
    c = cloud()
    now, terminal = c.clock.now(), g.terminal
    ref = cards.CardHolderRef(holder.id, holder.mykey_id)
    token, expires = c.card_tokens.issue(ref, terminal.terminal_id, now,
                                            c.settings.card_token_ttl_s, source=source)
    usable = points.usable_points(session, terminal, c.clock.today())
    return {"card_token": token, "expires_at": expires.astimezone(JST).isoformat(),
            "mykey_id": holder.mykey_id,
            "balances": [b.to_json() for b in balances_for(session, holder.id, usable,
                                                           c.clock.today())]}


@bp.post("/cards/read")
@require_terminal()
def read_card() -> dict[str, Any]:
    cert = verified_certificate(json_object(request))
    c = cloud()
    with unit_of_work(c.sessions) as session:
        holder = cards.holder_for_certificate(session, cert, c.clock.now())
        return card_json(session, holder)


@bp.post("/cards/read-shopping")
@require_terminal("merge")
def read_shopping_card() -> dict[str, Any]:
    body = json_object(request)
    with unit_of_work(cloud().sessions) as session:
        holder, business, customer_id = service_ids.holder_for_shopping_card(
            session, g.terminal, body.get("customer_id"))
        return {**card_json(session, holder, cards.SHOPPING_CARD),
                "street_name": business.street_name,
                "customer_id": customer_id}
