"""Generate ledger activity through LEDGER's own services (grant, spend, voucher issue/redeem)."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from cloud_api.clock import JST, FixedClock
from cloud_api.models.accounts import Holder, MykeyIdRegistry
from cloud_api.services.ledger.grant import grant
from cloud_api.services.ledger.spend import spend
from cloud_api.services.ledger.voucher_close import redeem
from cloud_api.services.ledger.vouchers import issue_voucher
from cloud_api.services.points import get_point
from cloud_api.services.terminals import context_of, get_terminal

START = datetime(2017, 7, 30, 9, 0, tzinfo=JST)


@dataclass
class Activity:
    """What was done, as plain tuples: (business day, place, point_id, amount, kind)."""

    uses: list[tuple[object, str, int, int, str]] = field(default_factory=list)


def add_holders(session: Session, count: int) -> list[Holder]:
    holders = []
    for i in range(count):
        mykey = f"MY{i:06d}"
        session.add(MykeyIdRegistry(mykey_id=mykey, assigned_at=START))
        session.flush()
        holders.append(Holder(mykey_id=mykey, state="active", mypage_password_hash="-", created_at=START))
    session.add_all(holders)
    session.flush()
    return holders


def generate(session: Session, point_ids: list[int], shops: list[str], voucher_shop: str,
             uses: int, seed: int = 7) -> Activity:
    """Grant every holder enough points, then `uses` random spends/voucher round trips in Aug 2017."""
    rnd, clock, out = random.Random(seed), FixedClock(START), Activity()
    holders = add_holders(session, 12)
    for h in holders:
        for pid in point_ids:
            grant(session, clock=clock, point=get_point(session, pid), holder_id=h.id, amount=1_000_000,
                  scope="SYSTEM", terminal_id=None, mykey_id=h.mykey_id)
    for _ in range(uses):
        clock.set(START + timedelta(days=rnd.randint(0, 36), minutes=rnd.randint(0, 600)))
        holder, pid, amount = rnd.choice(holders), rnd.choice(point_ids), rnd.randint(1, 3000)
        shop = get_terminal(session, rnd.choice(shops))
        if rnd.random() < 0.2:
            _voucher_round_trip(session, clock, voucher_shop, shop, pid, holder, amount)
            kind = "voucher_redeem"
        else:
            spend(session, clock=clock, terminal=context_of(shop), point=get_point(session, pid),
                  holder_id=holder.id, mykey_id=holder.mykey_id, amount=amount)
            kind = "spend"
        out.uses.append((clock.today(), shop.place, pid, amount, kind))
    return out


def _voucher_round_trip(session, clock, voucher_shop, shop, pid, holder, amount) -> None:  # type: ignore[no-untyped-def]
    issuer = context_of(get_terminal(session, voucher_shop))
    issued = issue_voucher(session, clock=clock, terminal=issuer, point=get_point(session, pid),
                           holder_id=holder.id, mykey_id=holder.mykey_id, amount=amount, validity_days=5)
    redeem(session, clock=clock, terminal=context_of(shop), voucher_no=issued.voucher_no,
           usable_point_ids={pid})
