"""Usable balances of a holder (画面29): unexpired lots with points left, per point."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cloud_api.models.ledger import HOLDER, LedgerAccount, Lot
from cloud_api.services.ledger.lots import used_points
from cloud_api.services.ledger.refs import PointLike, format_point_id


@dataclass(frozen=True)
class Balance:
    point_id: int
    kind: str
    name: str
    balance: int
    expires_next: date | None

    def to_json(self) -> dict[str, object]:
        return {"point_id": format_point_id(self.point_id), "kind": self.kind, "name": self.name,
                "balance": self.balance,
                "expires_next": self.expires_next.isoformat() if self.expires_next else None}


def balances_for(session: Session, holder_id: int, points: Sequence[PointLike],
                 on: date) -> list[Balance]:
    """One Balance per point in `points` (0 when the holder has none), usable on `on`."""
    left = _remaining_by_point(session, holder_id, [p.point_id for p in points], on)
    out = []
    for p in points:
        total, next_expiry = left.get(p.point_id, (0, None))
        out.append(Balance(p.point_id, p.kind, p.name, total, next_expiry))
    return out


def _remaining_by_point(session: Session, holder_id: int, point_ids: list[int],
                        on: date) -> dict[int, tuple[int, date | None]]:
    if not point_ids:
        return {}
    used = used_points()
    rows = session.execute(
        select(LedgerAccount.point_id, Lot.amount - used, Lot.expires_on)
        .join(Lot, Lot.account_id == LedgerAccount.id)
        .where(LedgerAccount.kind == HOLDER, LedgerAccount.holder_id == holder_id,
               LedgerAccount.point_id.in_(point_ids), Lot.expires_on >= on)).all()
    out: dict[int, tuple[int, date | None]] = {}
    for point_id, remaining, expires_on in rows:
        if remaining <= 0:
            continue
        total, nxt = out.get(point_id, (0, None))
        out[point_id] = (total + int(remaining), min(nxt, expires_on) if nxt else expires_on)
    return out
