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

from cloud_api.clock import Clock
from cloud_api.errors import ApiError, FieldError, ValidationError
from cloud_api.messages import message
from cloud_api.models.accounts import GrantBusiness
from cloud_api.models.grants import GrantUploadBatch, GrantUploadItem
from cloud_api.services import jpki
from cloud_api.services.cards import holder_for_certificate
from cloud_api.services.grants.roster import roster_points
from cloud_api.services.ledger.grant import grant
from cloud_api.services.ledger.grants_lookup import business_and_point
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
    if not isinstance(ref, str) or not CLIENT_REF.match(ref):
        errors.append(_error(f"{where}.client_ref", "client_ref_invalid"))
    der = _der(raw.get("auth_cert"))
    if der is None:
        errors.append(_error(f"{where}.auth_cert", "upload_cert_invalid"))
    read_at = _time(raw.get("read_at"))
    if read_at is None:
        errors.append(_error(f"{where}.read_at", "upload_read_at_invalid"))
    if ref is None or der is None or read_at is None or not CLIENT_REF.match(str(ref)):
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
    return FieldError(field, code, message(code))


@dataclass
class UploadContext:
    session: Session
    clock: Clock
    terminal: TerminalContext
    store: jpki.TrustStore
    business: GrantBusiness
    point: PointRef
    batch: GrantUploadBatch


def process(session: Session, clock: Clock, terminal: TerminalContext, store: jpki.TrustStore,
            business_id: str, items: list[UploadItem]) -> tuple[list[dict[str, Any]], list[Granted]]:
    """Decide every item (or replay its stored outcome); the caller commits once."""
    business, point = business_and_point(session, terminal.municipality_code, business_id)
    batch = GrantUploadBatch(terminal_id=terminal.terminal_id, grant_business_id=business.id,
                             received_at=clock.now(), item_count=len(items))
    session.add(batch)
    session.flush()
    ctx = UploadContext(session, clock, terminal, store, business, point, batch)
    results, granted = [], []
    for item in items:
        row, fresh = _existing(ctx, item) or (_decide(ctx, item), True)
        results.append(result_json(row, replayed=not fresh))
        if fresh and row.outcome == "granted":
            granted.append(Granted(str(row.mykey_id), business.name, point.name, row.amount,
                                   str(row.txn_no)))
    log.info("upload %d from %s: %d items, %d new grants", batch.id, terminal.terminal_id,
             len(items), len(granted))
    return results, granted


def _existing(ctx: UploadContext, item: UploadItem) -> tuple[GrantUploadItem, bool] | None:
    row = ctx.session.scalar(select(GrantUploadItem).where(
        GrantUploadItem.terminal_id == ctx.terminal.terminal_id,
        GrantUploadItem.client_ref == item.client_ref))
    if row is None:
        return None
    if row.grant_business_id != ctx.business.id:
        raise ApiError("client_ref_reused", 422, client_ref=item.client_ref)
    return row, False


def _decide(ctx: UploadContext, item: UploadItem) -> GrantUploadItem:
    row = GrantUploadItem(batch_id=ctx.batch.id, terminal_id=ctx.terminal.terminal_id,
                          client_ref=item.client_ref, grant_business_id=ctx.business.id,
                          cert_serial="", read_at=item.read_at, processed_at=ctx.clock.now(),
                          amount=0, outcome="rejected")
    try:
        cert = jpki.verify_certificate(item.cert_der, ctx.store, ctx.clock.now())
        row.cert_serial = cert.serial
        _grant_if_listed(ctx, row, cert)
    except ApiError as exc:
        row.outcome = "no_mykey_id" if exc.code == "card_not_registered" else "rejected"
        row.reason = exc.code
    ctx.session.add(row)
    ctx.session.flush()
    return row


def _grant_if_listed(ctx: UploadContext, row: GrantUploadItem, cert: jpki.VerifiedCert) -> None:
    holder = holder_for_certificate(ctx.session, cert, ctx.clock.now())
    row.mykey_id = holder.mykey_id
    points = roster_points(ctx.session, ctx.business, holder.mykey_id)
    if points is None:
        row.outcome = "not_in_roster"
        return
    receipt = grant(ctx.session, clock=ctx.clock, point=ctx.point, holder_id=holder.id,
                    amount=points, scope=ctx.terminal.terminal_id,
                    terminal_id=ctx.terminal.terminal_id, mykey_id=holder.mykey_id,
                    place=ctx.terminal.place,
                    memo=f"{ctx.business.business_id} {ctx.business.name} ref={row.client_ref}")
    row.outcome, row.amount, row.txn_no = "granted", points, receipt.txn_no


def result_json(row: GrantUploadItem, *, replayed: bool) -> dict[str, Any]:
    return {"client_ref": row.client_ref, "outcome": row.outcome, "mykey_id": row.mykey_id,
            "amount": row.amount, "txn_no": row.txn_no, "reason": row.reason,
            "replayed": replayed}
