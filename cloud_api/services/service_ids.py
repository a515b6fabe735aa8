"""Service IDs (画面23-26): a holder's customer ID at the terminal's ID business.

One active service ID per (holder, business); registering again with another customer ID is a
correction: the old row is kept inactive (history) and a new active row is written. Among active
rows a (business, customer ID) pair belongs to one holder only, so a shopping card resolves to
exactly one holder (`holder_for_shopping_card`).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cloud_api.errors import ApiError, Conflict, Forbidden, NotFound
from cloud_api.models.accounts import Holder, HolderCertificate, IdBusiness, ServiceId
from cloud_api.services import validation as v
from cloud_api.services.cards import CardHolderRef
from cloud_api.services.terminals import TerminalContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServiceIdView:
    business: IdBusiness
    mykey_id: str
    customer_id: str


def business_of(session: Session, terminal: TerminalContext) -> IdBusiness:
    business = session.get(IdBusiness, terminal.id_business_id) if terminal.id_business_id else None
    if business is None:
        raise Forbidden("terminal_without_id_business")
    return business


def validate_registration(body: dict[str, Any]) -> None:
    problems = [v.check_pattern(body, "customer_id", v.CUSTOMER_ID), v.check_bool(body, "address_notice")]
    if body.get("address_notice") is True:
        problems.append(v.check_pattern(body, "sign_cert_serial", v.HEX_SERIAL))
    elif body.get("sign_cert_serial") is not None:   # "" too: null or absent, as documented
        problems.append(v.field_error("sign_cert_serial", "not_allowed"))
    v.raise_if(problems)


def register(session: Session, terminal: TerminalContext, holder: CardHolderRef,
             body: dict[str, Any], now: datetime) -> ServiceIdView:
    """Register (or correct) the holder's customer ID at this terminal's business."""
    validate_registration(body)
    business = business_of(session, terminal)
    customer_id = body["customer_id"]
    current = _active(session, holder.holder_id, business.id)
    if current is not None and current.customer_id == customer_id:
        _refresh(current, body)
        return ServiceIdView(business, holder.mykey_id, customer_id)
    _ensure_free(session, business.id, customer_id, holder.holder_id)
    if current is not None:
        current.active, current.replaced_at = False, now
        session.flush()
    session.add(ServiceId(
        holder_id=holder.holder_id, id_business_id=business.id, customer_id=customer_id,
        auth_cert_serial=_auth_serial(session, holder), address_notice=body["address_notice"],
        sign_cert_serial=_sign_serial(body), active=True, registered_by=terminal.terminal_id,
        registered_at=now))
    try:
        session.flush()
    except IntegrityError:   # a concurrent registration took the customer ID first
        raise Conflict("service_id_taken") from None
    log.info("service ID registered for holder %d at business %s", holder.holder_id, business.id)
    return ServiceIdView(business, holder.mykey_id, customer_id)


def _refresh(row: ServiceId, body: dict[str, Any]) -> None:
    row.address_notice, row.sign_cert_serial = body["address_notice"], _sign_serial(body)


def _sign_serial(body: dict[str, Any]) -> str | None:
    return str(body["sign_cert_serial"]).upper() if body.get("address_notice") else None


def _active(session: Session, holder_id: int, business_id: str) -> ServiceId | None:
    return session.scalar(select(ServiceId).where(
        ServiceId.holder_id == holder_id, ServiceId.id_business_id == business_id,
        ServiceId.active.is_(True)))


def _ensure_free(session: Session, business_id: str, customer_id: str, holder_id: int) -> None:
    other = session.scalar(select(ServiceId).where(
        ServiceId.id_business_id == business_id, ServiceId.customer_id == customer_id,
        ServiceId.active.is_(True)))
    if other is not None and other.holder_id != holder_id:
        raise Conflict("service_id_taken")


def _auth_serial(session: Session, holder: CardHolderRef) -> str:
    serial = session.scalar(select(HolderCertificate.serial).where(
        HolderCertificate.holder_id == holder.holder_id, HolderCertificate.kind == "auth",
        HolderCertificate.current.is_(True)))
    if serial is None:
        raise NotFound("card_not_registered")
    return serial


def lookup(session: Session, terminal: TerminalContext, holder: CardHolderRef) -> ServiceIdView:
    business = business_of(session, terminal)
    row = _active(session, holder.holder_id, business.id)
    if row is None:
        raise NotFound("service_id_not_registered")
    return ServiceIdView(business, holder.mykey_id, row.customer_id)


def holder_for_shopping_card(session: Session, terminal: TerminalContext, customer_id: object,
                             ) -> tuple[Holder, IdBusiness, str]:
    """A shopping-street customer ID → the holder who registered it at this street."""
    v.raise_if([v.check_pattern({"customer_id": customer_id}, "customer_id", v.CUSTOMER_ID)])
    business = business_of(session, terminal)
    if not business.is_shopping_street:
        raise Forbidden("not_shopping_street")
    row = session.scalar(select(ServiceId).where(
        ServiceId.id_business_id == business.id, ServiceId.customer_id == customer_id,
        ServiceId.active.is_(True)))
    if row is None:
        raise NotFound("service_id_not_registered")
    holder = session.get(Holder, row.holder_id)
    assert holder is not None
    if holder.state != "active":
        raise ApiError("holder_revoked", 403)
    return holder, business, str(customer_id)
