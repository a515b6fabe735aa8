"""A small 川崎市 world for the ledger API tests, built with ACCOUNTS' factory.

Terminals: 00052459 (イ, museum), 00052460 (ウ, chamber of commerce), 00052461 (エ, city office),
00052462 (ア + point use, shopping street ブレーメン商店街), 00052463 (イ, another city).
Points: 川崎市ポイント (municipal, 60 days), an event usable only at 00052459 in Dec 2017, and
an event at 00052459 whose period has ended.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from cloud_api.clock import JST
from cloud_api.db import unit_of_work
from cloud_api.models import ledger as L
from cloud_api.models.accounts import GrantBusiness, Holder, MykeyIdRegistry, ServiceId
from cloud_api.services.cards import CardHolderRef, CardTokens

MUSEUM, CHAMBER, OFFICE, STREET, TOKUSHIMA = ("00052459", "00052460", "00052461", "00052462",
                                              "00052463")
LEDGER_TABLES = (L.JournalTxn, L.JournalEntry, L.Lot, L.LotConsumption, L.Voucher,
                 L.VoucherClosing, L.Merge, L.LedgerAccount)


@dataclass
class World:
    factory: Any
    sessions: Any
    clock: Any
    point_id: int
    event_id: int
    old_event_id: int
    holder_id: int
    other_holder_id: int

    def token(self, terminal_id: str, holder_id: int | None = None,
              mykey_id: str = "MY123456") -> str:
        ref = CardHolderRef(holder_id or self.holder_id, mykey_id)
        token, _ = CardTokens("test-secret").issue(ref, terminal_id, self.clock.now(), 600)
        return token

    def ledger_counts(self) -> tuple[int, ...]:
        with unit_of_work(self.sessions) as s:
            return tuple(s.scalar(select(func.count()).select_from(t)) or 0 for t in LEDGER_TABLES)


def build(factory, sessions, clock) -> World:  # type: ignore[no-untyped-def]
    factory.municipality()
    factory.municipality("360007", "徳島県", "徳島県")
    point_id = factory.point(validity_days=60)
    factory.id_business("000002", "ブレーメン商店街", is_shopping_street=True,
                        street_name="ブレーメン通り商店街")
    factory.terminal(MUSEUM, "I", place="川崎市藤子・F・不二雄ミュージアム", name="受付1")
    factory.terminal(CHAMBER, "U", place="川崎商工会議所", name="発行機1")
    factory.terminal(OFFICE, "E", place="川崎市役所", name="付与端末1")
    factory.terminal(STREET, "A", also_point_use=True, id_business_id="000002",
                     place="ブレーメン通り 鈴木商店", name="レジ1")
    factory.terminal(TOKUSHIMA, "I", municipality_code="360007", place="徳島駅前", name="1")
    dec = (date(2017, 12, 1), date(2017, 12, 31))
    event_id = factory.point(name="川崎市復興イベント", kind="event", validity_days=10,
                             service=dec, targets=[{"scope": "terminal", "terminal_id": MUSEUM}])
    old_event_id = factory.point(name="夏祭り", kind="event", validity_days=10,
                                 service=(date(2017, 8, 1), date(2017, 8, 31)),
                                 targets=[{"scope": "terminal", "terminal_id": MUSEUM}])
    holder_id = _holder(sessions, "MY123456")
    other = _holder(sessions, "HANAKO12")
    with unit_of_work(sessions) as s:
        now = clock.now()
        s.add(GrantBusiness(municipality_code="141305", business_id="0001", point_id=point_id,
                            name="認知症サポーター養成講座", department="健康福祉局",
                            points_per_grant=500, created_at=now, updated_at=now))
        s.add(ServiceId(holder_id=holder_id, id_business_id="000002", customer_id="123456789",
                        auth_cert_serial="30D45", registered_by=STREET,
                        registered_at=datetime(2017, 12, 1, tzinfo=JST)))
    return World(factory, sessions, clock, point_id, event_id, old_event_id, holder_id, other)


def _holder(sessions, mykey_id: str) -> int:  # type: ignore[no-untyped-def]
    """A holder row (registry row flushed first: the models declare no relationship order)."""
    with unit_of_work(sessions) as s:
        s.add(MykeyIdRegistry(mykey_id=mykey_id, assigned_at=datetime(2017, 1, 1, tzinfo=JST)))
        s.flush()
        holder = Holder(mykey_id=mykey_id, state="active", mypage_password_hash="x",
                        created_at=datetime(2017, 1, 1, tzinfo=JST))
        s.add(holder)
        s.flush()
        return holder.id
