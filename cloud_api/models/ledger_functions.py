"""PostgreSQL functions of the ledger: the debit of a holder account in one round trip.

`ledger_debit` is services/ledger/debit.py's algorithm run inside PostgreSQL: lock the holder
account, walk its lots earliest expiry first (a lot counts through its expires_on day), take
what the amount needs, number the transaction (取引済番号 counter of the scope and day) and write
header, entries and lot consumptions. A point use then costs one statement instead of six round
trips between the app and the database. The Python version stays the one SQLite runs; both run
the same tests (the `db` tests run on SQLite and on PostgreSQL).

It refuses by returning an outcome instead of raising, having written nothing:
'insufficient_balance' or 'txn_number_exhausted'.

The function is created with the tables (`Base.metadata.create_all`, on PostgreSQL only) and by
Alembic revision 0005, which keeps its own copy as a migration must; a test compares the two.
"""
from __future__ import annotations

from sqlalchemy import DDL, event

from cloud_api.db import Base

LEDGER_DEBIT = r"""
CREATE OR REPLACE FUNCTION ledger_debit(
    p_holder_key text, p_to_account bigint, p_amount bigint, p_day date, p_scope text,
    p_kind text, p_executed_at timestamptz, p_point_id integer, p_holder_id integer,
    p_mykey_id text, p_terminal_id text, p_place text, p_municipality_code text, p_reason text)
RETURNS TABLE (outcome text, txn_id bigint, txn_no text, book_after bigint, usable_after bigint)
LANGUAGE plpgsql AS $fn$
DECLARE
    v_account bigint;
    v_left bigint := p_amount;
    v_book bigint := 0;
    v_usable bigint := 0;
    v_lot record;
    v_take bigint;
    v_lot_ids bigint[] := '{}';
    v_takes bigint[] := '{}';
    v_seq integer;
    v_txn_id bigint;
    v_txn_no text;
BEGIN
    SELECT a.id INTO v_account FROM ledger_accounts a WHERE a.key = p_holder_key FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'insufficient_balance'::text, NULL::bigint, NULL::text,
                            NULL::bigint, NULL::bigint;
        RETURN;
    END IF;
    FOR v_lot IN
        SELECT l.id, l.amount - COALESCE((SELECT SUM(c.amount) FROM lot_consumptions c
                                          WHERE c.lot_id = l.id), 0) AS remaining,
               l.expires_on
        FROM lots l WHERE l.account_id = v_account ORDER BY l.expires_on, l.id
    LOOP
        CONTINUE WHEN v_lot.remaining <= 0;
        v_book := v_book + v_lot.remaining;
        CONTINUE WHEN v_lot.expires_on < p_day;
        v_usable := v_usable + v_lot.remaining;
        IF v_left > 0 THEN
            v_take := LEAST(v_left, v_lot.remaining);
            v_lot_ids := v_lot_ids || v_lot.id;
            v_takes := v_takes || v_take;
            v_left := v_left - v_take;
        END IF;
    END LOOP;
    IF v_left > 0 THEN
        RETURN QUERY SELECT 'insufficient_balance'::text, NULL::bigint, NULL::text,
                            NULL::bigint, NULL::bigint;
        RETURN;
    END IF;
    INSERT INTO txn_counters AS t (scope, business_date, last_seq) VALUES (p_scope, p_day, 1)
    ON CONFLICT (scope, business_date) DO UPDATE SET last_seq = t.last_seq + 1
        WHERE t.last_seq < 99999
    RETURNING t.last_seq INTO v_seq;
    IF v_seq IS NULL THEN
        RETURN QUERY SELECT 'txn_number_exhausted'::text, NULL::bigint, NULL::text,
                            NULL::bigint, NULL::bigint;
        RETURN;
    END IF;
    v_txn_no := to_char(p_day, 'YYYYMMDD') || lpad(v_seq::text, 5, '0');
    INSERT INTO journal_txns (scope, txn_no, kind, executed_at, business_date, point_id, amount,
                              holder_id, mykey_id, terminal_id, place, municipality_code,
                              reason, corrects_txn_id)
    VALUES (p_scope, v_txn_no, p_kind, p_executed_at, p_day, p_point_id, p_amount, p_holder_id,
            p_mykey_id, p_terminal_id, p_place, p_municipality_code, p_reason, NULL)
    RETURNING id INTO v_txn_id;
    INSERT INTO journal_entries (txn_id, account_id, amount, balance_after)
    VALUES (v_txn_id, v_account, -p_amount, v_book - p_amount),
           (v_txn_id, p_to_account, p_amount, NULL);
    INSERT INTO lot_consumptions (lot_id, txn_id, amount)
    SELECT u.lot_id, v_txn_id, u.take FROM unnest(v_lot_ids, v_takes) AS u(lot_id, take);
    RETURN QUERY SELECT 'ok'::text, v_txn_id, v_txn_no, v_book - p_amount, v_usable - p_amount;
END
$fn$
"""

event.listen(Base.metadata, "after_create",
             DDL(LEDGER_DEBIT).execute_if(dialect="postgresql"))  # type: ignore[no-untyped-call]
