"""MyKey ID creation at a counter kiosk (画面16): challenge, candidates, registration."""
from __future__ import annotations

import base64
import binascii
from typing import Any

from flask import g, request

from cloud_api.api._request import json_object
from cloud_api.api.auth import require_terminal
from cloud_api.api.blueprint import bp
from cloud_api.api.cards import verified_certificate
from cloud_api.api.idempotency import idempotent
from cloud_api.clock import JST
from cloud_api.context import cloud
from cloud_api.db import unit_of_work
from cloud_api.errors import ValidationError
from cloud_api.services import mykey_ids
from cloud_api.services.validation import field_error


def candidate_json(c: mykey_ids.Candidate) -> dict[str, Any]:
    return {"available": c.available, "candidate": c.mykey_id, "final": c.final,
            "generations_left": c.generations_left, "check_failures": c.check_failures}


@bp.post("/mykey/challenge")
@require_terminal()
def mykey_challenge() -> tuple[dict[str, Any], int]:
    c = cloud()
    with unit_of_work(c.sessions) as session:
        ch = mykey_ids.create_challenge(session, g.terminal.terminal_id, c.clock.now())
        return {"challenge_id": ch.id, "challenge": ch.nonce,
                "expires_at": ch.expires_at.astimezone(JST).isoformat()}, 201


@bp.post("/mykey/generate")
@require_terminal()
def mykey_generate() -> dict[str, Any]:
    body, c = json_object(request), cloud()
    with unit_of_work(c.sessions) as session:
        ch = mykey_ids.open_challenge(session, body.get("challenge_id"),
                                      g.terminal.terminal_id, c.clock.now())
        return candidate_json(mykey_ids.generate(session, ch))


@bp.post("/mykey/check")
@require_terminal()
def mykey_check() -> dict[str, Any]:
    body, c = json_object(request), cloud()
    with unit_of_work(c.sessions) as session:
        ch = mykey_ids.open_challenge(session, body.get("challenge_id"),
                                      g.terminal.terminal_id, c.clock.now())
        return candidate_json(mykey_ids.check(session, ch, body.get("mykey_id")))


def _signature(body: dict[str, Any]) -> bytes:
    value = body.get("signature")
    try:
        raw = base64.b64decode(value, validate=True) if isinstance(value, str) else b""
    except (binascii.Error, ValueError):
        raw = b""
    if not raw:
        raise ValidationError(errors=[field_error("signature", "invalid_format")])
    return raw


@bp.post("/mykey")
@require_terminal()
@idempotent
def mykey_create() -> tuple[dict[str, Any], int]:
    body, c = json_object(request), cloud()
    mykey_ids.validate_profile(g.db, body)
    signature, cert = _signature(body), verified_certificate(body)
    ch = mykey_ids.open_challenge(g.db, body.get("challenge_id"), g.terminal.terminal_id,
                                  c.clock.now())
    mykey_ids.verify_card_signature(cert, ch, signature)
    holder = mykey_ids.create(g.db, ch, cert, body, c.clock.now())
    return {"mykey_id": holder.mykey_id, "auth_cert_serial": cert.serial,
            "auth_cert_expires_at": cert.not_after.astimezone(JST).isoformat()}, 201
