"""Demo data of 応援ポイント移行: the partner JAL (200 マイル = 1,000 pt) and a few transfers.

Called by demo.load_demo. The transfers go to two report-only demo holders (the seed's
明細表 IDs TARO0101 / FJU7KERZ, without cards) so the card holders' demo balances stay as
they are; they land in 川崎市ポイント and the 留保ポイント. Idempotent: each transfer has a
fixed partner_ref and partner_transfer applies a reference once.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cloud_api.clock import JST, Clock
from cloud_api.models.accounts import Holder, MykeyIdRegistry, Point
from cloud_api.models.partners import Partner
from cloud_api.services.ledger.partner_transfer import partner_transfer
from cloud_api.services.points import ref_of

log = logging.getLogger(__name__)

PARTNER = ("JAL", 200, 1000, "マイル")
# partner_ref, days before today, hh:mm:ss, mykey_id, miles, destination point name (None: 留保)
TRANSFERS = [("JAL-DEMO-0001", 20, "10:30:31", "TARO0101", 1000, None),
             ("JAL-DEMO-0002", 20, "21:05:55", "FJU7KERZ", 3000, "川崎市ポイント"),
             ("JAL-DEMO-0003", 9, "11:55:23", "TARO0101", 600, None),
             ("JAL-DEMO-0004", 2, "16:11:00", "TARO0101", 400, "川崎市ポイント")]


def load_partner_demo(session: Session, clock: Clock, holder_password_hash: Callable[[], str]) -> int:
    """Create JAL and apply the demo transfers; returns how many were newly applied."""
    partner = _partner(session)
    applied = 0
    for ref, days, hms, mykey_id, miles, point_name in TRANSFERS:
        holder = _holder(session, mykey_id, clock, holder_password_hash)
        point = session.scalar(select(Point).where(Point.name == point_name)) if point_name else None
        at = datetime.combine(clock.today() - timedelta(days=days),
                              datetime.strptime(hms, "%H:%M:%S").time(), JST)
        result = partner_transfer(session, clock=clock, partner=partner, holder_id=holder.id,
                                  destination=ref_of(point) if point else None, amount=miles,
                                  partner_ref=ref, executed_at=at)
        applied += int(result.applied)
    log.info("demo partner transfers: %d applied", applied)
    return applied


def _partner(session: Session) -> Partner:
    name, partner_points, support_points, unit = PARTNER
    partner = session.scalar(select(Partner).where(Partner.name == name))
    if partner is None:
        partner = Partner(name=name, partner_points=partner_points,
                          support_points=support_points, unit=unit)
        session.add(partner)
        session.flush()
    return partner


def _holder(session: Session, mykey_id: str, clock: Clock,
            password_hash: Callable[[], str]) -> Holder:
    holder = session.scalar(select(Holder).where(Holder.mykey_id == mykey_id))
    if holder is None:
        session.add(MykeyIdRegistry(mykey_id=mykey_id, assigned_at=clock.now()))
        session.flush()
        holder = Holder(mykey_id=mykey_id, state="active", created_at=clock.now(),
                        mypage_password_hash=password_hash(), base_municipality_code="141305")
        session.add(holder)
        session.flush()
    return holder
