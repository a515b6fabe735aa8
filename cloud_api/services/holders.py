"""Card holders' MyKey ID life cycle: change and revocation (画面61/62 rules).

A MyKey ID, once assigned, stays in the registry forever: changing it releases the old ID
(reason 'changed') and revoking a holder releases it (reason 'revoked'); neither can ever be
assigned again. Revocation is irreversible: card reads and service-ID lookups stop (403).
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from cloud_api.errors import ApiError, Conflict, NotFound
from cloud_api.models.accounts import Holder, MykeyIdRegistry, ServiceId
from cloud_api.services import validation as v

log = logging.getLogger(__name__)


def _active_holder(session: Session, holder_id: int) -> Holder:
    holder = session.get(Holder, holder_id, with_for_update=True)
    if holder is None:
        raise NotFound("holder_not_found")
    if holder.state != "active":
        raise ApiError("holder_revoked", 403)
    return holder


def _release(session: Session, mykey_id: str, reason: str, now: datetime) -> None:
    row = session.get(MykeyIdRegistry, mykey_id)
    assert row is not None  # holders.mykey_id refers to the registry
    row.released_at, row.release_reason = now, reason


def change_mykey_id(session: Session, holder_id: int, new_mykey_id: object,
                    now: datetime) -> Holder:
    """Give the holder a new, never-used MyKey ID; the old one is retired for good."""
    v.raise_if([v.check_pattern({"mykey_id": new_mykey_id}, "mykey_id", v.MYKEY_ID)])
    holder = _active_holder(session, holder_id)
    new_id = str(new_mykey_id)
    if session.get(MykeyIdRegistry, new_id) is not None:
        raise Conflict("mykey_id_taken")
    session.add(MykeyIdRegistry(mykey_id=new_id, assigned_at=now))
    session.flush()
    _release(session, holder.mykey_id, "changed", now)
    holder.mykey_id = new_id
    session.flush()
    log.info("holder %d: MyKey ID changed", holder_id)
    return holder


def revoke_holder(session: Session, holder_id: int, now: datetime) -> None:
    """失効: the holder and their service IDs stop; the MyKey ID is never reassigned."""
    holder = _active_holder(session, holder_id)
    holder.state = "revoked"
    _release(session, holder.mykey_id, "revoked", now)
    session.execute(update(ServiceId).where(ServiceId.holder_id == holder_id,
                                            ServiceId.active.is_(True)).values(
        active=False, replaced_at=now))
    log.info("holder %d revoked", holder_id)
