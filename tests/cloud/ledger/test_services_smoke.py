"""GIVEN a fresh ledger WHEN points are granted, spent, vouchered, merged and swept THEN the
balances, receipts and verify-ledger agree."""
from __future__ import annotations

from datetime import date

import pytest

from cloud_api.errors import ApiError
from cloud_api.services.ledger.balances import balances_for
from cloud_api.services.ledger.grant import grant
from cloud_api.services.ledger.spend import spend
from cloud_api.services.ledger.verify import verify
from tests.cloud.ledger.conftest import run


def test_grant_then_spend_gives_receipt_numbers_and_balances(ledger_db, clock, point, terminal):
    r1 = run(ledger_db, grant, clock=clock, point=point, holder_id=7, amount=1730, scope="SYSTEM",
             terminal_id=None)
    r2 = run(ledger_db, spend, clock=clock, terminal=terminal, point=point, holder_id=7,
             mykey_id="MY123456", amount=500)
    assert r1.txn_no == "2017123100001" and r2.txn_no == "2017123100001"
    assert r2.balance_after == 1230
    bal = run(ledger_db, balances_for, 7, [point], date(2017, 12, 31))
    assert bal[0].balance == 1230 and bal[0].expires_next == date(2018, 2, 28)
    assert run(ledger_db, verify) == []


def test_spend_more_than_balance_is_refused(ledger_db, clock, point, terminal):
    run(ledger_db, grant, clock=clock, point=point, holder_id=7, amount=100, scope="SYSTEM",
        terminal_id=None)
    with pytest.raises(ApiError) as e:
        run(ledger_db, spend, clock=clock, terminal=terminal, point=point, holder_id=7,
            mykey_id="MY123456", amount=101)
    assert e.value.code == "insufficient_balance"
    assert run(ledger_db, balances_for, 7, [point], date(2017, 12, 31))[0].balance == 100
