"""Mobile grant uploads (画面77→78): offline card reads become grants, exactly once each.

Each item carries the client-made id (`client_ref`) the device stored with the card read. The
first time a (terminal, client_ref) arrives its outcome is decided and stored in the same
transaction as the grant; any later arrival (a repeated or resumed upload) gets the stored
outcome back and moves no points. Outcomes: granted / not_in_roster (listed on 画面78) /
no_mykey_id (the card has no MyKey ID) / rejected (certificate invalid, revoked, expired…).
"""
from __future__ import annotations

import base64
import binascii
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cloud_api.clock import JST, Clock
from cloud_api.errors import ApiError, FieldError, ValidationError, api_message
from cloud_api.models.accounts import GrantBusiness
from cloud_api.models.grants import GrantUploadBatch, GrantUploadItem
from cloud_api.services import jpki
from cloud_api.services.cards import holder_for_certificate
from cloud_api.services.grants.awards import (
    AwardRequest,
    award_once,
    read_in_future,
    read_too_old,
)
from cloud_api.services.grants.roster import roster_points
from cloud_api.services.ledger.grants_lookup import business_and_point
from cloud_api.services.ledger.refs import business_date
from cloud_api.services.points import PointRef
from cloud_api.services.terminals import TerminalContext

log = logging.getLogger(__name__)

CLIENT_REF = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_ITEMS = 100
MAX_CERT_BYTES = 8192


@dataclass(frozen=True)
class UploadItem:
    client_ref: str
    cert_der: bytes
    read_at: datetime


@dataclass(frozen=True)
class Granted:
    """A grant made by an upload: what the email notice needs (sent after commit)."""

    mykey_id: str
    business_name: str
    point_name: str
    amount: int
    txn_no: str


def parse_items(data: dict[str, Any]) -> list[UploadItem]:
    """Validate all items first; one bad item rejects the request (nothing is granted)."""
    items = data.get("items")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_ITEMS:
        raise ValidationError(errors=[_error("items", "upload_items_invalid")])
    errors: list[FieldError] = []
    parsed = [_item(i, raw, errors) for i, raw in enumerate(items)]
    if errors:
        raise ValidationError(errors=errors)
    return [p for p in parsed if p is not None]


def _item(index: int, raw: Any, errors: list[FieldError]) -> UploadItem | None:
    where = f"items[{index}]"
    if not isinstance(raw, dict):
        errors.append(_error(where, "upload_items_invalid"))
        return None
    ref = raw.get("client_ref")
    if not isinstance(ref, str) or not CLIENT_REF.fullmatch(ref):
        errors.append(_error(f"{where}.client_ref", "client_ref_invalid"))
    der = _der(raw.get("auth_cert"))
    if der is None:
        errors.append(_error(f"{where}.auth_cert", "upload_cert_invalid"))
    read_at = _time(raw.get("read_at"))
    if read_at is None:
        errors.append(_error(f"{where}.read_at", "upload_read_at_invalid"))
    if ref is None or der is None or read_at is None or not CLIENT_REF.fullmatch(str(ref)):
        return None
    return UploadItem(str(ref), der, read_at)


def _der(value: Any) -> bytes | None:
    try:
        der = base64.b64decode(value, validate=True) if isinstance(value, str) else b""
    except (binascii.Error, ValueError):
        return None
    return der if 0 < len(der) <= MAX_CERT_BYTES else None


def _time(value: Any) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _error(field: str, code: str) -> FieldError:
    return FieldError(field, code, api_message(code))


@dataclass
class UploadContext:
    session: Session
    clock: Clock
    terminal: TerminalContext
    store: jpki.TrustStore
    business: GrantBusiness
    point: PointRef
    batch: GrantUploadBatch


@dataclass
class Decision:
    """One item's row; `holder_id`/`points` are set while a listed holder awaits the grant."""

    row: GrantUploadItem
    fresh: bool
    holder_id: int | None = None
    points: int | None = None


def process(session: Session, clock: Clock, terminal: TerminalContext, store: jpki.TrustStore,
            business_id: str, items: list[UploadItem]) -> tuple[list[dict[str, Any]], list[Granted]]:
    """Decide every item (or replay its stored outcome); the caller commits once.

    Listed holders are granted in ascending holder order (see `awards`), then every new row
    is written; the results keep the order of `items`."""
    business, point = business_and_point(session, terminal.municipality_code, business_id)
    batch = GrantUploadBatch(terminal_id=terminal.terminal_id, grant_business_id=business.id,
                             received_at=clock.now(), item_count=len(items))
    session.add(batch)
    session.flush()
    ctx = UploadContext(session, clock, terminal, store, business, point, batch)
    decisions: list[Decision] = []
    first: dict[str, Decision] = {}       # the same read twice in one upload is one read
    for item in items:
        earlier = first.get(item.client_ref)
        if earlier is not None:
            decisions.append(Decision(earlier.row, fresh=False))
            continue
        decision = first[item.client_ref] = _existing(ctx, item) or _judge(ctx, item)
        decisions.append(decision)
    waiting = [d for d in decisions if d.points is not None]
    granted = [g for d in sorted(waiting, key=lambda d: (d.holder_id, d.row.client_ref))
               if (g := _award(ctx, d)) is not None]
    session.add_all([d.row for d in decisions if d.fresh])
    session.flush()
    log.info("upload %d from %s: %d items, %d new grants", batch.id, terminal.terminal_id,
             len(items), len(granted))
    return [result_json(d.row, replayed=not d.fresh) for d in decisions], granted


def _existing(ctx: UploadContext, item: UploadItem) -> Decision | None:
    row = ctx.session.scalar(select(GrantUploadItem).where(
        GrantUploadItem.terminal_id == ctx.terminal.terminal_id,
        GrantUploadItem.client_ref == item.client_ref))
    if row is None:
        return None
    if row.grant_business_id != ctx.business.id:
        raise ApiError("client_ref_reused", 422, client_ref=item.client_ref)
    return Decision(row, fresh=False)


def _judge(ctx: UploadContext, item: UploadItem) -> Decision:
    now = ctx.clock.now()
    row = GrantUploadItem(batch_id=ctx.batch.id, terminal_id=ctx.terminal.terminal_id,
                          client_ref=item.client_ref, grant_business_id=ctx.business.id,
                          cert_serial="", read_at=item.read_at.astimezone(JST),
                          processed_at=now, amount=0, outcome="rejected")
    decision = Decision(row, fresh=True)
    try:
        cert = jpki.verify_certificate(item.cert_der, ctx.store, now)
        row.cert_serial = cert.serial
        if read_in_future(item.read_at, now):
            raise ApiError("read_at_future", 422)
        if read_too_old(item.read_at, now):
            raise ApiError("read_at_too_old", 422)
        _look_up(ctx, decision, cert)
    except ApiError as exc:
        row.outcome = "no_mykey_id" if exc.code == "card_not_registered" else "rejected"
        row.reason = exc.code
    return decision


def _look_up(ctx: UploadContext, decision: Decision, cert: jpki.VerifiedCert) -> None:
    holder = holder_for_certificate(ctx.session, cert, ctx.clock.now())
    decision.row.mykey_id = holder.mykey_id
    decision.points = roster_points(ctx.session, ctx.business, holder.mykey_id)
    decision.holder_id = holder.id
    decision.row.outcome = "not_in_roster" if decision.points is None else "granted"


def _award(ctx: UploadContext, decision: Decision) -> Granted | None:
    row = decision.row
    assert decision.holder_id is not None and decision.points is not None
    result = award_once(ctx.session, ctx.clock, ctx.terminal, AwardRequest(
        ctx.business, ctx.point, decision.holder_id, str(row.mykey_id), decision.points,
        business_date(row.read_at), row.client_ref))
    row.txn_no = result.award.txn_no
    if not result.fresh:
        row.outcome, row.reason = "already_granted", "already_granted"
        return None
    row.amount = decision.points
    return Granted(str(row.mykey_id), ctx.business.name, ctx.point.name, row.amount,
                   result.award.txn_no)


def result_json(row: GrantUploadItem, *, replayed: bool) -> dict[str, Any]:
    """One item's outcome; `grant_date` (付与日) for granted and already_granted reads."""
    day = business_date(row.read_at)
    decided = row.outcome in ("granted", "already_granted")
    return {"client_ref": row.client_ref, "outcome": row.outcome, "mykey_id": row.mykey_id,
            "amount": row.amount, "txn_no": row.txn_no, "reason": row.reason,
            "grant_date": day.isoformat() if decided else None, "replayed": replayed}

