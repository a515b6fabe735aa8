"""GIVEN partner JAL WHEN partner_transfer credits holders THEN balances, lots and verify agree."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from cloud_api.clock import FixedClock
from cloud_api.db import unit_of_work
from cloud_api.errors import ApiError
from cloud_api.models.accounts import Point
from cloud_api.models.ledger import PARTNER, RESERVE, JournalEntry, LedgerAccount, Lot
from cloud_api.models.partners import Partner
from cloud_api.services.ledger.journal import book_balance
from cloud_api.services.ledger.partner_transfer import partner_transfer
from cloud_api.services.ledger.verify import verify
from cloud_api.services.points import ref_of
from tests.cloud.partner.conftest import World


def _transfer(world: World, clock: FixedClock, *, point_id: int | None, amount: int,
              ref: str, holder_id: int | None = None, partner_id: int | None = None):  # type: ignore[no-untyped-def]
    with unit_of_work(world.sessions) as s:
        partner = s.get(Partner, partner_id or world.jal_id)
        dest = ref_of(s.get(Point, point_id)) if point_id else None
        return partner_transfer(s, clock=clock, partner=partner, holder_id=holder_id or world.taro,
                                destination=dest, amount=amount, partner_ref=ref)


def _balance(world: World, kind: str, holder_id: int, point_id: int = 0) -> int:
    with unit_of_work(world.sessions) as s:
        account = s.execute(select(LedgerAccount.id).where(
            LedgerAccount.kind == kind, LedgerAccount.holder_id == holder_id,
            LedgerAccount.point_id == point_id)).scalar_one()
        return book_balance(s, account)


def test_transfer_to_municipal_point_makes_a_lot_with_the_points_validity(world: World, clock: FixedClock) -> None:
    result = _transfer(world, clock, point_id=world.kawasaki_point, amount=600, ref="J-1")
    assert (result.amount, result.applied) == (3000, True)
    assert _balance(world, "holder", world.taro, world.kawasaki_point) == 3000
    with unit_of_work(world.sessions) as s:
        lot = s.execute(select(Lot).where(Lot.txn_id == result.txn_id)).scalar_one()
        assert (lot.amount, lot.issued_on, lot.expires_on) == (3000, date(2026, 11, 22), date(2027, 1, 20))
        assert verify(s) == []


def test_transfer_to_reserve_is_a_balance_chain_without_lots(world: World, clock: FixedClock) -> None:
    _transfer(world, clock, point_id=None, amount=1000, ref="J-1")
    _transfer(world, clock, point_id=None, amount=200, ref="J-2")
    assert _balance(world, RESERVE, world.taro) == 6000
    with unit_of_work(world.sessions) as s:
        clearing = s.execute(select(func.sum(JournalEntry.amount)).join(
            LedgerAccount, LedgerAccount.id == JournalEntry.account_id).where(
            LedgerAccount.kind == PARTNER)).scalar_one()
        assert clearing == -6000
        assert s.execute(select(func.count()).select_from(Lot)).scalar_one() == 0
        assert verify(s) == []


def test_the_same_partner_ref_applies_once(world: World, clock: FixedClock) -> None:
    first = _transfer(world, clock, point_id=world.event_point, amount=400, ref="J-7")
    before = world.counts()
    again = _transfer(world, clock, point_id=world.event_point, amount=400, ref="J-7")
    assert (again.transfer_id, again.applied) == (first.transfer_id, False)
    assert world.counts() == before
    other = _transfer(world, clock, point_id=world.event_point, amount=400, ref="J-7",
                      partner_id=world.ana_id)
    assert other.applied and other.amount == 400


@pytest.mark.parametrize("amount, ref, code", [
    (300, "J-9", "partner_amount_not_multiple"), (0, "J-9", "amount_invalid"),
    (200, "   ", "partner_ref_invalid"), (200, "x" * 65, "partner_ref_invalid")])
def test_bad_input_changes_nothing(world: World, clock: FixedClock, amount: int, ref: str,
                                   code: str) -> None:
    before = world.counts()
    with pytest.raises(ApiError) as err:
        _transfer(world, clock, point_id=world.kawasaki_point, amount=amount, ref=ref)
    assert err.value.code == code and err.value.detail
    assert world.counts() == before


def test_a_reused_ref_with_other_content_is_refused(world: World, clock: FixedClock) -> None:
    _transfer(world, clock, point_id=None, amount=200, ref="J-1")
    before = world.counts()
    with pytest.raises(ApiError) as err:
        _transfer(world, clock, point_id=None, amount=400, ref="J-1")
    assert err.value.code == "partner_ref_conflict"
    assert world.counts() == before


def test_verify_catches_a_transfer_record_that_disagrees(world: World, clock: FixedClock) -> None:
    result = _transfer(world, clock, point_id=world.kawasaki_point, amount=200, ref="J-1")
    with unit_of_work(world.sessions) as s:
        from cloud_api.models.partners import PartnerTransfer
        s.get(PartnerTransfer, result.transfer_id).amount = 999  # type: ignore[union-attr]
        s.flush()
        assert [v.code for v in verify(s)] == ["ledger_partner_transfer_mismatch"]
        s.rollback()
