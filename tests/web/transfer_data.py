"""Partner transfers for the 応援ポイント移行集計 tests, made by the real ledger operation.

Returns the plain list of what was made so the tests can recompute every figure independently.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from cloud_api.clock import JST, FixedClock
from cloud_api.models.accounts import Holder, MykeyIdRegistry, Point
from cloud_api.models.partners import Partner
from cloud_api.services.console.login import create_staff
from cloud_api.services.ledger.partner_transfer import partner_transfer
from cloud_api.services.points import ref_of
from tests.web.seed import NOW, PASSWORD


@dataclass(frozen=True)
class Made:
    partner: str
    executed_at: datetime
    mykey_id: str
    point_id: int | None
    destination: str
    amount: int


def generate(session: Session, point_ids: list[int], count: int = 60,
             seed: int = 7) -> list[Made]:
    rnd = random.Random(seed)
    partners = [Partner(name="JAL", partner_points=200, support_points=1000, unit="マイル"),
                Partner(name="ANA", partner_points=1, support_points=1, unit="マイル")]
    session.add_all(partners)
    holders = [_holder(session, f"TR{i:06d}") for i in range(5)]
    made = []
    for n in range(count):
        partner, holder = rnd.choice(partners), rnd.choice(holders)
        point_id = rnd.choice([None, *point_ids])
        point = ref_of(session.get(Point, point_id)) if point_id else None
        at = datetime(2017, 7, 28, tzinfo=JST) + timedelta(minutes=rnd.randrange(60 * 24 * 40))
        amount = partner.partner_points * rnd.randint(1, 20)
        result = partner_transfer(session, clock=FixedClock(NOW), partner=partner,
                                  holder_id=holder.id, destination=point, amount=amount,
                                  partner_ref=f"R{n}", executed_at=at)
        made.append(Made(partner.name, at, holder.mykey_id, point_id,
                         point.name if point else "留保ポイント", result.amount))
    return made


def _holder(session: Session, mykey_id: str) -> Holder:
    session.add(MykeyIdRegistry(mykey_id=mykey_id, assigned_at=NOW))
    session.flush()
    holder = Holder(mykey_id=mykey_id, state="active", mypage_password_hash="x", created_at=NOW)
    session.add(holder)
    session.flush()
    return holder


def add_partner_login(session: Session, login_id: str, partner_name: str) -> None:
    """A second partner company's console login (the seed has JAL's only)."""
    create_staff(session, login_id=login_id, password=PASSWORD, role="partner",
                 display_name="精算担当", now=NOW, partner_name=partner_name)
