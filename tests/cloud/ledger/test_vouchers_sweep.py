"""GIVEN vouchers and lots with expiry dates WHEN they are redeemed, reprinted, or the sweep runs
THEN each voucher closes once, escrow matches outstanding vouchers, expired points stop counting
and verify-ledger stays clean."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from cloud_api.db import unit_of_work
from cloud_api.errors import ApiError
from cloud_api.models.ledger import JournalEntry, JournalTxn
from cloud_api.services.ledger import voucher_close, vouchers
from cloud_api.services.ledger.balances import balances_for
from cloud_api.services.ledger.grant import grant
from cloud_api.services.ledger.spend import spend
from cloud_api.services.ledger.sweep import sweep
from cloud_api.services.ledger.verify import verify
from tests.cloud.ledger.conftest import Pt, run


def _grant(ledger_db, clock, point, amount=1000, holder_id=7):
    return run(ledger_db, grant, clock=clock, point=point, holder_id=holder_id, amount=amount,
               scope="SYSTEM", terminal_id=None)


def _issue(ledger_db, clock, terminal, point, amount=300, days=3):
    return run(ledger_db, vouchers.issue_voucher, clock=clock, terminal=terminal, point=point,
               holder_id=7, mykey_id="MY123456", amount=amount, validity_days=days)


def _redeem(ledger_db, clock, terminal, number, ids=frozenset({1})):
    return run(ledger_db, voucher_close.redeem, clock=clock, terminal=terminal, voucher_no=number,
               usable_point_ids=set(ids))


def _ledger_rows(ledger_db):
    return run(ledger_db, lambda s: (s.scalar(select(func.count()).select_from(JournalTxn)),
                                    s.scalar(select(func.count()).select_from(JournalEntry))))


def test_voucher_issue_redeem_once_and_reprint(ledger_db, clock, point, terminal):
    _grant(ledger_db, clock, point)
    issued = _issue(ledger_db, clock, terminal, point)
    assert len(issued.voucher_no) == 12 and issued.voucher_no.isdigit()
    assert issued.expires_on == date(2018, 1, 2) and issued.balance_after == 700
    again = run(ledger_db, vouchers.reprint, terminal=terminal, voucher_no=issued.voucher_no)
    assert again.to_json() == issued.to_json()
    shop = replace(terminal, terminal_id="00052460")
    done = _redeem(ledger_db, clock, shop, issued.voucher_no)
    assert done.amount == 300 and done.txn_no == "2017123100001"
    before = _ledger_rows(ledger_db)
    with pytest.raises(ApiError) as e:
        _redeem(ledger_db, clock, shop, issued.voucher_no)
    assert e.value.code == "voucher_already_redeemed" and e.value.status == 409
    assert _ledger_rows(ledger_db) == before
    assert run(ledger_db, verify) == []


def test_reprint_only_at_issuing_terminal_and_unknown_voucher(ledger_db, clock, point, terminal):
    _grant(ledger_db, clock, point)
    issued = _issue(ledger_db, clock, terminal, point)
    with pytest.raises(ApiError) as e:
        run(ledger_db, vouchers.reprint, terminal=replace(terminal, terminal_id="00000009"),
            voucher_no=issued.voucher_no)
    assert e.value.code == "voucher_reprint_forbidden"
    with pytest.raises(ApiError) as e:
        _redeem(ledger_db, clock, terminal, "000000000000")
    assert e.value.code == "voucher_not_found"


def test_expired_voucher_is_refused_then_lapsed_by_sweep(ledger_db, clock, point, terminal):
    _grant(ledger_db, clock, point)
    issued = _issue(ledger_db, clock, terminal, point, days=1)
    clock.advance(days=1)
    with pytest.raises(ApiError) as e:
        _redeem(ledger_db, clock, terminal, issued.voucher_no)
    assert e.value.code == "voucher_expired" and e.value.status == 410
    result = sweep(ledger_db, clock)
    assert (result.lapsed_vouchers, result.lapsed_points) == (1, 300)
    with pytest.raises(ApiError) as e:
        _redeem(ledger_db, clock, terminal, issued.voucher_no)
    assert e.value.code == "voucher_lapsed"
    assert sweep(ledger_db, clock).lapsed_vouchers == 0
    assert run(ledger_db, verify) == []


def test_voucher_of_point_not_usable_at_redeeming_terminal(ledger_db, clock, point, terminal):
    _grant(ledger_db, clock, point)
    issued = _issue(ledger_db, clock, terminal, point)
    with pytest.raises(ApiError) as e:
        _redeem(ledger_db, clock, terminal, issued.voucher_no, ids=set())
    assert e.value.code == "point_not_usable_here"


def test_voucher_validity_out_of_range(ledger_db, clock, point, terminal):
    _grant(ledger_db, clock, point)
    for days in (0, 31, True, "3"):
        with pytest.raises(ApiError) as e:
            _issue(ledger_db, clock, terminal, point, days=days)
        assert e.value.code == "voucher_validity_invalid"
    assert _ledger_rows(ledger_db) == (1, 2)


def test_lots_expire_through_last_day_and_spend_takes_earliest_first(ledger_db, clock, terminal):
    short, long_ = Pt(1, validity_days=2), Pt(1, validity_days=60)
    _grant(ledger_db, clock, short, amount=100)      # valid through 2018-01-01
    _grant(ledger_db, clock, long_, amount=500)      # valid through 2018-02-28
    r = run(ledger_db, spend, clock=clock, terminal=terminal, point=long_, holder_id=7,
            mykey_id="MY123456", amount=150)
    assert r.balance_after == 450
    bal = run(ledger_db, balances_for, 7, [long_], date(2018, 1, 1))[0]
    assert (bal.balance, bal.expires_next) == (450, date(2018, 2, 28))
    clock.advance(days=1)                           # 2018-01-01: the short lot was used up
    assert run(ledger_db, balances_for, 7, [long_], date(2018, 1, 1))[0].balance == 450


def test_sweep_expires_unused_lot_points(ledger_db, clock, point, terminal):
    _grant(ledger_db, clock, Pt(1, validity_days=1), amount=100)
    _grant(ledger_db, clock, point, amount=50)
    clock.advance(days=1)
    assert run(ledger_db, balances_for, 7, [point], date(2018, 1, 1))[0].balance == 50
    with pytest.raises(ApiError):
        run(ledger_db, spend, clock=clock, terminal=terminal, point=point, holder_id=7,
            mykey_id="MY123456", amount=51)
    result = sweep(ledger_db, clock)
    assert (result.expired_accounts, result.expired_points) == (1, 100)
    assert sweep(ledger_db, clock).expired_points == 0
    assert run(ledger_db, verify) == []


def test_sweep_command_reports_in_japanese_and_is_repeatable(ledger_db, db_url, clock, point,
                                                              terminal, capsys):
    from cloud_api.commands import sweep as sweep_cmd

    _grant(ledger_db, clock, Pt(1, validity_days=1), amount=40)
    _issue(ledger_db, clock, terminal, point, amount=10, days=1)
    clock.advance(days=1)

    class Args:
        database_url = db_url
    assert sweep_cmd.run(Args(), clock) == 0
    assert "口座 1 件 / 30 ポイント、ポイント券 1 枚 / 10 ポイント" in capsys.readouterr().out
    assert sweep_cmd.run(Args(), clock) == 0
    assert "口座 0 件 / 0 ポイント、ポイント券 0 枚 / 0 ポイント" in capsys.readouterr().out
    assert run(ledger_db, verify) == []


def test_sweep_purges_idempotency_records_past_retention(ledger_db, clock):
    from datetime import timedelta

    from cloud_api.services import idempotency

    def claim(key: str, days_ago: int) -> None:
        with unit_of_work(ledger_db) as s:
            rid, _ = idempotency.claim(s, "00052459", key, "h" * 64,
                                       clock.now() - timedelta(days=days_ago))
            idempotency.complete(s, rid, 201, "{}", None)
    claim("old-key-0001", idempotency.RETENTION_DAYS + 1)
    claim("new-key-0001", 1)
    assert sweep(ledger_db, clock).purged_idempotency_records == 1
    assert sweep(ledger_db, clock).purged_idempotency_records == 0


def test_a_sweep_run_to_its_end_marks_where_the_next_one_starts(ledger_db, clock, point,
                                                                 terminal, monkeypatch):
    """GIVEN a sweep that fails half-way WHEN run again THEN it still finds everything; once one
    has run to its end, the mark is its day less one and later expiries are still swept."""
    from cloud_api.services.ledger import statements as sql
    from cloud_api.services.ledger import sweep as sweep_module

    def mark():  # type: ignore[no-untyped-def]
        return run(ledger_db, lambda s: sql.run(s, sql.SWEPT_BEFORE, {}).scalar())

    _grant(ledger_db, clock, Pt(1, validity_days=1), amount=100)   # valid through 2017-12-31
    clock.advance(days=2)                                          # 2018-01-02
    real = sweep_module.expire_account

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the database went away")
    monkeypatch.setattr(sweep_module, "expire_account", failing)
    with pytest.raises(RuntimeError):
        sweep(ledger_db, clock)
    assert mark() is None
    monkeypatch.setattr(sweep_module, "expire_account", real)
    assert sweep(ledger_db, clock).expired_points == 100
    assert mark() == date(2018, 1, 1)

    _grant(ledger_db, clock, Pt(1, validity_days=1), amount=40)    # valid through 2018-01-02
    _issue(ledger_db, clock, terminal, point, amount=10, days=1)   # valid through 2018-01-02
    clock.advance(days=5)                                          # 2018-01-07
    result = sweep(ledger_db, clock)
    assert (result.expired_points, result.lapsed_points) == (30, 10)
    assert mark() == date(2018, 1, 6)
    assert run(ledger_db, verify) == []


def test_verify_reports_what_is_open_behind_the_sweep_mark(ledger_db, clock, point, terminal):
    """GIVEN a mark moved past a lot and a voucher still open (a clock that ran ahead, say) WHEN
    verify-ledger runs THEN it reports both; once the mark's row is deleted the next sweep takes
    them and verify-ledger is clean."""
    from sqlalchemy import delete

    from cloud_api.models.ledger import SweepMark
    from cloud_api.services.ledger import statements as sql

    _grant(ledger_db, clock, Pt(1, validity_days=1), amount=100)   # valid through 2017-12-31
    _issue(ledger_db, clock, terminal, point, amount=10, days=1)
    run(ledger_db, lambda s: sql.run(s, sql.ADVANCE_SWEEP_MARK, {"day": date(2018, 1, 5)}))
    found = run(ledger_db, verify)
    assert [(v.code, v.detail.split("=")[0]) for v in found] == [
        ("ledger_open_before_sweep_mark", "lot_id"),
        ("ledger_open_before_sweep_mark", "voucher_no")]
    clock.advance(days=6)
    assert sweep(ledger_db, clock).expired_points == 0                # behind the mark: unread
    run(ledger_db, lambda s: s.execute(delete(SweepMark)))
    result = sweep(ledger_db, clock)
    assert (result.expired_points, result.lapsed_points) == (90, 10)
    assert run(ledger_db, verify) == []


def test_jobs_number_in_each_accounts_own_scope(ledger_db, clock, point, terminal):
    """GIVEN two holders' points expiring on one day WHEN the sweep expires them THEN each expiry
    is numbered in its account's job scope ("S" + 7 base-36 digits of the account id), each the
    first of its day there: no single counter that a busy nationwide day could use up, or that
    every job waits on."""
    from cloud_api.models.ledger import job_scope, lapse_scope
    from cloud_api.services.ledger.accounts import lock_holder_account

    for holder_id in (7, 8):
        _grant(ledger_db, clock, Pt(1, validity_days=1), amount=10, holder_id=holder_id)
    clock.advance(days=1)
    assert sweep(ledger_db, clock).expired_points == 20
    accounts = [run(ledger_db, lock_holder_account, 1, holder_id) for holder_id in (7, 8)]
    expiries = run(ledger_db, lambda s: sorted(
        (t.scope, t.txn_no) for t in s.query(JournalTxn).where(JournalTxn.kind == "expiry")))
    assert expiries == sorted((job_scope(a), "2018010100001") for a in accounts)
    assert (job_scope(0), job_scope(36 ** 7 - 1), lapse_scope(35)) == (
        "S0000000", "SZZZZZZZ", "V000000Z")
    with pytest.raises(ValueError):
        job_scope(36 ** 7)
    assert run(ledger_db, verify) == []


def test_sweep_deletes_the_number_counters_of_past_days(ledger_db, clock, point):
    """GIVEN counters of today, yesterday and the day before WHEN the sweep runs THEN only the
    day before yesterday's is gone (yesterday's may still serve a transaction begun before
    midnight); today's and yesterday's stay as they were."""
    from cloud_api.models.ledger import TxnCounter

    for days_ago in (2, 1, 0):
        run(ledger_db, lambda s, d=days_ago: s.add(TxnCounter(
            scope="00052459", business_date=clock.today() - timedelta(days=d), last_seq=3)))
    sweep(ledger_db, clock)
    left = run(ledger_db, lambda s: sorted(
        (c.business_date, c.last_seq) for c in s.query(TxnCounter).where(
            TxnCounter.scope == "00052459")))
    assert left == [(clock.today() - timedelta(days=1), 3), (clock.today(), 3)]


def test_the_purge_reads_old_records_by_their_creation_time_index(ledger_db, clock):
    """The daily purge finds the old records through ix_idempotency_records_created_at (BRIN on
    PostgreSQL) instead of reading the whole table; the planner is told not to scan it so that
    the plan shows whether the index can serve the purge at all, whatever the table's size."""
    from sqlalchemy import text

    from cloud_api.services import idempotency

    def plan(s):  # type: ignore[no-untyped-def]
        conn = s.connection()
        compiled = idempotency.PURGE.compile(dialect=conn.dialect)
        params = compiled.construct_params({"cutoff": clock.now().isoformat()})
        args = tuple(params[k] for k in compiled.positiontup) if compiled.positiontup else params
        if conn.dialect.name == "postgresql":
            s.execute(text("SET LOCAL enable_seqscan = off"))
            return "\n".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {compiled}", args))
        return "\n".join(str(r[-1]) for r in
                         conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", args))

    found = run(ledger_db, plan)
    assert "ix_idempotency_records_created_at" in found, found
