"""GIVEN a point use WHEN it is taken back (goods returned) THEN a new reasoned correction
transaction returns the points with their original expiry, only once, and verify-ledger and
the place report account for it."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update

from cloud_api.errors import ApiError
from cloud_api.models.ledger import JournalTxn
from cloud_api.services.ledger import reports
from cloud_api.services.ledger.balances import balances_for
from cloud_api.services.ledger.corrections import reverse_spend
from cloud_api.services.ledger.grant import grant
from cloud_api.services.ledger.spend import spend
from cloud_api.services.ledger.verify import verify
from tests.cloud.ledger.conftest import Pt, run


def _setup(ledger_db, clock, terminal):
    run(ledger_db, grant, clock=clock, point=Pt(1, validity_days=2), holder_id=7, amount=100,
        scope="SYSTEM", terminal_id=None)
    run(ledger_db, grant, clock=clock, point=Pt(1), holder_id=7, amount=500, scope="SYSTEM",
        terminal_id=None)
    return run(ledger_db, spend, clock=clock, terminal=terminal, point=Pt(1), holder_id=7,
               mykey_id="MY123456", amount=300)


def test_reversal_restores_points_with_original_expiry_once(ledger_db, clock, terminal):
    used = _setup(ledger_db, clock, terminal)
    back = run(ledger_db, reverse_spend, clock=clock, scope=terminal.terminal_id,
               txn_no=used.txn_no, reason="返品")
    assert back.amount == 300 and back.balance_after == 600 and back.txn_no == "2017123100002"
    bal = run(ledger_db, balances_for, 7, [Pt(1)], date(2017, 12, 31))[0]
    assert bal.expires_next == date(2018, 1, 1)              # the short lot came back as it was
    with pytest.raises(ApiError) as e:
        run(ledger_db, reverse_spend, clock=clock, scope=terminal.terminal_id,
            txn_no=used.txn_no, reason="返品")
    assert e.value.code == "txn_already_corrected"
    assert run(ledger_db, verify) == []
    total = run(ledger_db, reports.summary, terminal, date(2017, 12, 1), date(2017, 12, 31))
    assert (total.count, total.points) == (2, 0)


def test_bad_corrections_change_nothing(ledger_db, clock, terminal):
    used = _setup(ledger_db, clock, terminal)
    cases = [("SYSTEM", "2017123100001", "返品", "txn_not_correctable"),
             (terminal.terminal_id, "2017123100099", "返品", "txn_not_found"),
             (terminal.terminal_id, used.txn_no, "  ", "correction_reason_required")]
    for scope, txn_no, reason, code in cases:
        with pytest.raises(ApiError) as e:
            run(ledger_db, reverse_spend, clock=clock, scope=scope, txn_no=txn_no, reason=reason)
        assert e.value.code == code
    assert run(ledger_db, balances_for, 7, [Pt(1)], date(2017, 12, 31))[0].balance == 300


def test_verify_finds_a_correction_that_does_not_match(ledger_db, clock, terminal):
    used = _setup(ledger_db, clock, terminal)
    run(ledger_db, reverse_spend, clock=clock, scope=terminal.terminal_id, txn_no=used.txn_no,
        reason="返品")
    run(ledger_db, lambda s: s.execute(update(JournalTxn).where(JournalTxn.kind == "correction")
                                       .values(amount=301)))
    assert "ledger_correction_mismatch" in {v.code for v in run(ledger_db, verify)}


def test_points_given_back_after_their_lot_expired_expire_again_at_once(ledger_db, clock,
                                                                       terminal):
    """GIVEN a use that took 100 points from a lot that has expired since WHEN it is taken back
    THEN the one correction transaction gives 200 back to the holder (a lot again) and the 100 to
    the point's expired account: no lot is created already expired, nothing is left for the
    sweep, verify-ledger clean."""
    from cloud_api.models.ledger import EXPIRED, JournalEntry, LedgerAccount
    from cloud_api.services.ledger.sweep import sweep

    used = _setup(ledger_db, clock, terminal)               # 100 of the 2-day lot, 200 of the other
    clock.advance(days=3)                                   # 2018-01-03: the 2-day lot is over
    back = run(ledger_db, reverse_spend, clock=clock, scope=terminal.terminal_id,
               txn_no=used.txn_no, reason="返品")
    assert back.amount == 300 and back.balance_after == 500  # 300 left + the 200 given back
    legs = run(ledger_db, lambda s: sorted(
        (kind, amount) for kind, amount in s.execute(
            select(LedgerAccount.kind, JournalEntry.amount)
            .join(LedgerAccount, LedgerAccount.id == JournalEntry.account_id)
            .where(JournalEntry.txn_id == back.txn_id))))
    assert legs == [(EXPIRED, 100), ("holder", 200), ("settlement", -300)]
    assert sweep(ledger_db, clock).expired_points == 0
    assert run(ledger_db, verify) == []


def test_verify_finds_a_correction_whose_points_went_nowhere(ledger_db, clock, terminal):
    """GIVEN a correction WHEN the lot it gave back is missing, or made already expired THEN
    verify-ledger reports each."""
    from sqlalchemy import delete

    from cloud_api.models.ledger import Lot

    used = _setup(ledger_db, clock, terminal)
    back = run(ledger_db, reverse_spend, clock=clock, scope=terminal.terminal_id,
               txn_no=used.txn_no, reason="返品")
    run(ledger_db, lambda s: s.execute(update(Lot).where(Lot.txn_id == back.txn_id)
                                       .values(issued_on=date(2017, 12, 30),
                                               expires_on=date(2017, 12, 30))))
    assert "ledger_lot_created_expired" in {v.code for v in run(ledger_db, verify)}
    run(ledger_db, lambda s: s.execute(delete(Lot).where(Lot.txn_id == back.txn_id)))
    detail = f"points given back: txn_id={back.txn_id} txn_no={back.txn_no}"
    assert ("ledger_correction_mismatch", detail) in {(v.code, v.detail)
                                                      for v in run(ledger_db, verify)}
