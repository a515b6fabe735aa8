"""GIVEN a ledger WHEN someone breaks an invariant behind the services' back THEN verify-ledger
names it (code + Japanese) and exits non-zero; 取引済番号 are per scope and day, and run out
cleanly past 99999."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import insert, select, text

from cloud_api.clock import JST
from cloud_api.commands import ledger_cmds
from cloud_api.errors import ApiError
from cloud_api.models.ledger import (
    JournalEntry,
    JournalTxn,
    LedgerAccount,
    Lot,
    LotConsumption,
    TxnCounter,
)
from cloud_api.services.ledger.grant import grant
from cloud_api.services.ledger.spend import spend
from cloud_api.services.ledger.txn_numbers import is_well_formed, next_txn_no
from cloud_api.services.ledger.verify import verify
from tests.cloud.ledger.conftest import run


@pytest.fixture
def ledger(ledger_db, clock, point, terminal):
    run(ledger_db, grant, clock=clock, point=point, holder_id=7, amount=1000, scope="SYSTEM",
        terminal_id=None)
    run(ledger_db, spend, clock=clock, terminal=terminal, point=point, holder_id=7,
        mykey_id="MY123456", amount=100)
    return ledger_db


def _codes(ledger_db):
    return {v.code for v in run(ledger_db, verify)}


def test_clean_ledger_verifies_and_cli_exits_zero(ledger, db_url, capsys):
    assert _codes(ledger) == set()

    class Args:
        database_url = db_url
    assert ledger_cmds.run(Args()) == 0
    assert "満たされています" in capsys.readouterr().out


def test_unbalanced_entry_is_found_and_cli_exits_non_zero(ledger, db_url, capsys):
    def tamper(s):
        txn = s.scalar(select(JournalTxn.id).limit(1))
        acct = s.scalar(select(LedgerAccount.id).where(LedgerAccount.kind == "holder"))
        s.execute(insert(JournalEntry).values(txn_id=txn, account_id=acct, amount=5))
    run(ledger, tamper)
    assert {"ledger_txn_unbalanced", "ledger_balance_chain_broken"} <= _codes(ledger)

    class Args:
        database_url = db_url
    assert ledger_cmds.run(Args()) == 1
    assert "[ledger_txn_unbalanced] 取引の仕訳合計が0になっていません。" in capsys.readouterr().out


def test_overconsumed_and_expired_lot_consumption_are_found(ledger):
    def tamper(s):
        lot = s.scalar(select(Lot.id).order_by(Lot.id))
        spend_txn = s.scalar(select(JournalTxn.id).where(JournalTxn.kind == "spend"))
        s.execute(insert(LotConsumption).values(lot_id=lot, txn_id=spend_txn, amount=5000))
        s.execute(text("UPDATE journal_txns SET business_date = :d WHERE kind = 'spend'"),
                  {"d": date(2019, 1, 1)})
    run(ledger, tamper)
    codes = _codes(ledger)
    assert {"ledger_lot_overconsumed", "ledger_expired_lot_consumed",
            "ledger_balance_lots_mismatch", "ledger_txn_no_malformed"} <= codes


def test_txn_numbers_are_per_scope_and_day(ledger_db):
    day = date(2017, 12, 31)
    got = [run(ledger_db, next_txn_no, "00052459", day) for _ in range(3)]
    assert got == ["2017123100001", "2017123100002", "2017123100003"]
    assert run(ledger_db, next_txn_no, "00052460", day) == "2017123100001"
    assert run(ledger_db, next_txn_no, "00052459", date(2018, 1, 1)) == "2018010100001"
    assert is_well_formed("2017123100001", day) and not is_well_formed("2017123100000")
    assert not is_well_formed("201712310001") and not is_well_formed("2017123100001", date(2018, 1, 1))


def test_txn_number_exhausted_past_99999_changes_nothing(ledger_db, clock, point, terminal):
    run(ledger_db, grant, clock=clock, point=point, holder_id=7, amount=10, scope="SYSTEM",
        terminal_id=None)
    run(ledger_db, lambda s: s.execute(insert(TxnCounter).values(
        scope=terminal.terminal_id, business_date=date(2017, 12, 31), last_seq=99999)))
    with pytest.raises(ApiError) as e:
        run(ledger_db, spend, clock=clock, terminal=terminal, point=point, holder_id=7,
            mykey_id="MY123456", amount=1)
    assert e.value.code == "txn_number_exhausted"
    assert run(ledger_db, lambda s: s.scalar(select(JournalTxn.kind).order_by(
        JournalTxn.id.desc()))) == "grant"
    assert _codes(ledger_db) == set()


def test_a_merge_txn_without_its_merge_record_is_found(ledger):
    from cloud_api.services.ledger.accounts import system_account
    from cloud_api.services.ledger.journal import Leg, TxnHeader, post

    def orphan(s):
        a = system_account(s, "merge", 1)
        b = system_account(s, "expired", 1)
        post(s, TxnHeader(kind="merge", scope="SYSTEM", point_id=1, amount=1,
                          executed_at=datetime(2017, 12, 31, 12, tzinfo=JST)),
             [Leg(a, -1), Leg(b, 1)])
    run(ledger, orphan)
    assert "ledger_txn_record_missing" in _codes(ledger)


def test_post_refuses_unbalanced_legs(ledger_db):
    from cloud_api.services.ledger.journal import Leg, TxnHeader, post
    header = TxnHeader(kind="correction", scope="SYSTEM", point_id=1, amount=1,
                       executed_at=datetime(2017, 12, 31, 12, tzinfo=JST))
    for legs in ([], [Leg(1, 5), Leg(2, -4)], [Leg(1, 0), Leg(2, 0)]):
        with pytest.raises(ValueError):
            run(ledger_db, post, header, legs)


def test_commands_on_an_uninitialised_database_exit_2_with_japanese(tmp_path, capsys):
    from cloud_api.commands import sweep as sweep_cmd

    class Args:
        database_url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    assert ledger_cmds.run(Args()) == 2
    assert sweep_cmd.run(Args()) == 2
    assert "init-db" in capsys.readouterr().err


@pytest.mark.postgres_only("SQLite's writers wait for the reading transaction (BEGIN IMMEDIATE)")
def test_verify_on_a_live_database_reads_one_moment(ledger_db, clock, point, terminal,
                                                    monkeypatch):
    """GIVEN a sound ledger WHEN a spend commits between verify's reading of the holder chains
    and of the lots, and a voucher issue between its reading of the escrow and of the open
    vouchers THEN verify_snapshot still finds nothing (one REPEATABLE READ snapshot on
    PostgreSQL; in READ COMMITTED each statement saw the new commit: two false violations)."""
    from cloud_api.services.ledger import verify as v
    from cloud_api.services.ledger.vouchers import issue_voucher

    engine = ledger_db.kw["bind"]
    holder = {"clock": clock, "terminal": terminal, "point": point, "holder_id": 7,
              "mykey_id": "ABCDEFGH"}
    run(ledger_db, grant, clock=clock, point=point, holder_id=7, amount=100, scope=None,
        terminal_id=None)
    run(ledger_db, spend, **holder, amount=10)
    books_match_lots, pairs, reads = v._books_match_lots, v._pairs, []

    def spend_meanwhile(s, books):  # type: ignore[no-untyped-def]
        run(ledger_db, spend, **holder, amount=5)
        yield from books_match_lots(s, books)

    def issue_meanwhile(s, stmt):  # type: ignore[no-untyped-def]
        out = pairs(s, stmt)
        reads.append(stmt)
        if len(reads) == 3:   # the escrow total is read; the open vouchers are next
            run(ledger_db, issue_voucher, **holder, amount=20, validity_days=5)
        return out

    monkeypatch.setattr(v, "_books_match_lots", spend_meanwhile)
    monkeypatch.setattr(v, "_pairs", issue_meanwhile)
    assert v.verify_snapshot(engine) == []
    monkeypatch.undo()
    assert v.verify_snapshot(engine) == []          # and the commits made meanwhile are sound
    assert len(run(ledger_db, lambda s: s.scalars(select(JournalTxn.id)).all())) == 4


def test_a_header_amount_that_differs_from_its_entries_is_found(ledger):
    """Receipts and place reports show the header's amount: it must be what the entries move."""
    run(ledger, lambda s: s.execute(text(
        "UPDATE journal_txns SET amount = amount + 1 WHERE kind = 'spend'")))
    assert "ledger_txn_amount_mismatch" in _codes(ledger)


def test_an_expiry_of_a_lot_still_valid_is_found(ledger):
    """The sweep expires only lots past their last day: an expiry consuming a lot still valid on
    its business day takes points the holder may still use."""
    run(ledger, lambda s: s.execute(text(
        "UPDATE journal_txns SET kind = 'expiry' WHERE kind = 'spend'")))
    assert "ledger_valid_lot_expired" in _codes(ledger)


def test_a_voucher_closed_by_the_wrong_kind_or_amount_is_found(ledger, clock, point, terminal):
    from cloud_api.services.ledger.voucher_close import redeem
    from cloud_api.services.ledger.vouchers import issue_voucher

    issued = run(ledger, issue_voucher, clock=clock, terminal=terminal, point=point, holder_id=7,
                 mykey_id="MY123456", amount=50, validity_days=5)
    run(ledger, redeem, clock=clock, terminal=terminal, voucher_no=issued.voucher_no,
        usable_point_ids={point.point_id})
    assert _codes(ledger) == set()
    run(ledger, lambda s: s.execute(text(
        "UPDATE vouchers SET amount = 60 WHERE voucher_no = :n"), {"n": issued.voucher_no}))
    assert "ledger_voucher_close_mismatch" in _codes(ledger)
