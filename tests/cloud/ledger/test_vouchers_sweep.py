"""GIVEN vouchers and lots with expiry dates WHEN they are redeemed, reprinted, or the sweep runs
THEN each voucher closes once, escrow matches outstanding vouchers, expired points stop counting
and verify-ledger stays clean."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from cloud_api.errors import ApiError
from cloud_api.models.ledger import JournalEntry, JournalTxn
from cloud_api.services.ledger import voucher_close, vouchers
from cloud_api.services.ledger.balances import balances_for
from cloud_api.services.ledger.grant import grant
from cloud_api.services.ledger.spend import spend
from cloud_api.services.ledger.sweep import sweep
from cloud_api.services.ledger.verify import verify
from tests.cloud.ledger.conftest import Pt, run


def _grant(sessions, clock, point, amount=1000, holder_id=7):
    return run(sessions, grant, clock=clock, point=point, holder_id=holder_id, amount=amount,
               scope="SYSTEM", terminal_id=None)


def _issue(sessions, clock, terminal, point, amount=300, days=3):
    return run(sessions, vouchers.issue_voucher, clock=clock, terminal=terminal, point=point,
               holder_id=7, mykey_id="MY123456", amount=amount, validity_days=days)


def _redeem(sessions, clock, terminal, number, ids=frozenset({1})):
    return run(sessions, voucher_close.redeem, clock=clock, terminal=terminal, voucher_no=number,
               usable_point_ids=set(ids))


def _ledger_rows(sessions):
    return run(sessions, lambda s: (s.scalar(select(func.count()).select_from(JournalTxn)),
                                    s.scalar(select(func.count()).select_from(JournalEntry))))


def test_voucher_issue_redeem_once_and_reprint(sessions, clock, point, terminal):
    _grant(sessions, clock, point)
    issued = _issue(sessions, clock, terminal, point)
    assert len(issued.voucher_no) == 12 and issued.voucher_no.isdigit()
    assert issued.expires_on == date(2018, 1, 2) and issued.balance_after == 700
    again = run(sessions, vouchers.reprint, terminal=terminal, voucher_no=issued.voucher_no)
    assert again.to_json() == issued.to_json()
    shop = replace(terminal, terminal_id="00052460")
    done = _redeem(sessions, clock, shop, issued.voucher_no)
    assert done.amount == 300 and done.txn_no == "2017123100001"
    before = _ledger_rows(sessions)
    with pytest.raises(ApiError) as e:
        _redeem(sessions, clock, shop, issued.voucher_no)
    assert e.value.code == "voucher_already_redeemed" and e.value.status == 409
    assert _ledger_rows(sessions) == before
    assert run(sessions, verify) == []


def test_reprint_only_at_issuing_terminal_and_unknown_voucher(sessions, clock, point, terminal):
    _grant(sessions, clock, point)
    issued = _issue(sessions, clock, terminal, point)
    with pytest.raises(ApiError) as e:
        run(sessions, vouchers.reprint, terminal=replace(terminal, terminal_id="00000009"),
            voucher_no=issued.voucher_no)
    assert e.value.code == "voucher_reprint_forbidden"
    with pytest.raises(ApiError) as e:
        _redeem(sessions, clock, terminal, "000000000000")
    assert e.value.code == "voucher_not_found"


def test_expired_voucher_is_refused_then_lapsed_by_sweep(sessions, clock, point, terminal):
    _grant(sessions, clock, point)
    issued = _issue(sessions, clock, terminal, point, days=1)
    clock.advance(days=1)
    with pytest.raises(ApiError) as e:
        _redeem(sessions, clock, terminal, issued.voucher_no)
    assert e.value.code == "voucher_expired" and e.value.status == 410
    result = sweep(sessions, clock)
    assert (result.lapsed_vouchers, result.lapsed_points) == (1, 300)
    with pytest.raises(ApiError) as e:
        _redeem(sessions, clock, terminal, issued.voucher_no)
    assert e.value.code == "voucher_lapsed"
    assert sweep(sessions, clock).lapsed_vouchers == 0
    assert run(sessions, verify) == []


def test_voucher_of_point_not_usable_at_redeeming_terminal(sessions, clock, point, terminal):
    _grant(sessions, clock, point)
    issued = _issue(sessions, clock, terminal, point)
    with pytest.raises(ApiError) as e:
        _redeem(sessions, clock, terminal, issued.voucher_no, ids=set())
    assert e.value.code == "point_not_usable_here"


@pytest.mark.parametrize("days", [0, 31, True, "3"])
def test_voucher_validity_out_of_range(sessions, clock, point, terminal, days):
    _grant(sessions, clock, point)
    with pytest.raises(ApiError) as e:
        _issue(sessions, clock, terminal, point, days=days)
    assert e.value.code == "voucher_validity_invalid"
    assert _ledger_rows(sessions) == (1, 2)


def test_lots_expire_through_last_day_and_spend_takes_earliest_first(sessions, clock, terminal):
    short, long_ = Pt(1, validity_days=2), Pt(1, validity_days=60)
    _grant(sessions, clock, short, amount=100)      # valid through 2018-01-01
    _grant(sessions, clock, long_, amount=500)      # valid through 2018-02-28
    r = run(sessions, spend, clock=clock, terminal=terminal, point=long_, holder_id=7,
            mykey_id="MY123456", amount=150)
    assert r.balance_after == 450
    bal = run(sessions, balances_for, 7, [long_], date(2018, 1, 1))[0]
    assert (bal.balance, bal.expires_next) == (450, date(2018, 2, 28))
    clock.advance(days=1)                           # 2018-01-01: the short lot was used up
    assert run(sessions, balances_for, 7, [long_], date(2018, 1, 1))[0].balance == 450


def test_sweep_expires_unused_lot_points(sessions, clock, point, terminal):
    _grant(sessions, clock, Pt(1, validity_days=1), amount=100)
    _grant(sessions, clock, point, amount=50)
    clock.advance(days=1)
    assert run(sessions, balances_for, 7, [point], date(2018, 1, 1))[0].balance == 50
    with pytest.raises(ApiError):
        run(sessions, spend, clock=clock, terminal=terminal, point=point, holder_id=7,
            mykey_id="MY123456", amount=51)
    result = sweep(sessions, clock)
    assert (result.expired_accounts, result.expired_points) == (1, 100)
    assert sweep(sessions, clock).expired_points == 0
    assert run(sessions, verify) == []
