"""PostgreSQL functions of the ledger: a holder debit, and a batch of point uses, each one statement.

`ledger_debit` is services/ledger/debit.py's algorithm run inside PostgreSQL: lock the holder
account, take its book balance from its latest entry, walk its usable lots earliest expiry first
(a lot counts through its expires_on day; the expired ones are not read), take what the amount
needs, number the transaction (取引済番号 counter of the scope and day) and write
header, entries and lot consumptions. A point use then costs one statement instead of six round
trips between the app and the database. The Python version stays the one SQLite runs; both run
the same tests (the `db` tests run on SQLite and on PostgreSQL).

It refuses by returning an outcome instead of raising, having written nothing:
'insufficient_balance' or 'txn_number_exhausted'.

The function is created with the tables (`Base.metadata.create_all`, on PostgreSQL only) and by
Alembic revision 0005 (revision 0007 replaced it with this version, which no longer reads the
expired lots), each keeping its own copy as a migration must; a test compares the latest.

`ledger_point_uses` runs the point uses that arrived together (cloud_api/api/spend_batches.py, a
group commit) in one statement: for each, in order, what the general path's statements do - take
the nonce while the terminal row is unchanged (now and then purging the terminal's expired
nonces first), check that the Idempotency-Key is new, then ledger_debit. A use whose nonce is
refused, whose key was used before or whose debit is refused gets that outcome with its nonce
deleted again, so it changed nothing and the others go on; the caller sends it down the general
path after the commit. The caller then inserts the idempotency records of the uses made, with
their responses, in the same transaction; a key claimed meanwhile by a concurrent request makes
that insert fail on the unique key, and the whole batch is rolled back. Alembic revision 0006
creates it.
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
    v_book := COALESCE((SELECT e.balance_after FROM journal_entries e
                        WHERE e.account_id = v_account ORDER BY e.id DESC LIMIT 1), 0);
    FOR v_lot IN
        SELECT l.id, l.amount - COALESCE((SELECT SUM(c.amount) FROM lot_consumptions c
                                          WHERE c.lot_id = l.id), 0) AS remaining
        FROM lots l WHERE l.account_id = v_account AND l.expires_on >= p_day
        ORDER BY l.expires_on, l.id
    LOOP
        CONTINUE WHEN v_lot.remaining <= 0;
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

LEDGER_POINT_USES = r"""
CREATE OR REPLACE FUNCTION ledger_point_uses(p_uses jsonb)
RETURNS TABLE (ord integer, outcome text, txn_id bigint, txn_no text, book_after bigint,
               usable_after bigint)
LANGUAGE plpgsql AS $fn$
DECLARE
    u record;
    d record;
BEGIN
    FOR u IN
        SELECT x.* FROM jsonb_to_recordset(p_uses) AS x(
            ord integer, purge_before timestamptz,
            n_terminal_id text, n_nonce text, n_seen_at timestamptz, n_state text,
            n_public_key text, n_fingerprint text, n_category text, n_also_point_use boolean,
            n_municipality_code text, n_id_business_id text, n_place text, n_name text,
            c_scope text, c_key text, c_request_hash text, c_created_at timestamptz,
            d_holder_key text, d_to_account bigint, d_amount bigint, d_business_date date,
            d_scope text, d_kind text, d_executed_at timestamptz, d_point_id integer,
            d_holder_id integer, d_mykey_id text, d_terminal_id text, d_place text,
            d_municipality_code text, d_reason text)
        ORDER BY x.ord
    LOOP
        IF u.purge_before IS NOT NULL THEN
            DELETE FROM terminal_nonces n
            WHERE n.terminal_id = u.n_terminal_id AND n.seen_at < u.purge_before;
        END IF;
        INSERT INTO terminal_nonces (terminal_id, nonce, seen_at)
        SELECT u.n_terminal_id, u.n_nonce, u.n_seen_at
        WHERE EXISTS (SELECT 1 FROM terminals t WHERE t.terminal_id = u.n_terminal_id
                      AND t.state IS NOT DISTINCT FROM u.n_state
                      AND t.public_key IS NOT DISTINCT FROM u.n_public_key
                      AND t.fingerprint IS NOT DISTINCT FROM u.n_fingerprint
                      AND t.category IS NOT DISTINCT FROM u.n_category
                      AND t.also_point_use IS NOT DISTINCT FROM u.n_also_point_use
                      AND t.municipality_code IS NOT DISTINCT FROM u.n_municipality_code
                      AND t.id_business_id IS NOT DISTINCT FROM u.n_id_business_id
                      AND t.place IS NOT DISTINCT FROM u.n_place
                      AND t.name IS NOT DISTINCT FROM u.n_name)
        ON CONFLICT (terminal_id, nonce) DO NOTHING;
        IF NOT FOUND THEN
            RETURN QUERY SELECT u.ord, 'nonce_refused'::text, NULL::bigint, NULL::text,
                                NULL::bigint, NULL::bigint;
            CONTINUE;
        END IF;
        IF EXISTS (SELECT 1 FROM idempotency_records r
                   WHERE r.scope = u.c_scope AND r.key = u.c_key) THEN
            DELETE FROM terminal_nonces n
            WHERE n.terminal_id = u.n_terminal_id AND n.nonce = u.n_nonce;
            RETURN QUERY SELECT u.ord, 'key_used_before'::text, NULL::bigint, NULL::text,
                                NULL::bigint, NULL::bigint;
            CONTINUE;
        END IF;
        SELECT * INTO d FROM ledger_debit(
            u.d_holder_key, u.d_to_account, u.d_amount, u.d_business_date, u.d_scope, u.d_kind,
            u.d_executed_at, u.d_point_id, u.d_holder_id, u.d_mykey_id, u.d_terminal_id,
            u.d_place, u.d_municipality_code, u.d_reason);
        IF d.outcome <> 'ok' THEN
            DELETE FROM terminal_nonces n
            WHERE n.terminal_id = u.n_terminal_id AND n.nonce = u.n_nonce;
            RETURN QUERY SELECT u.ord, d.outcome, NULL::bigint, NULL::text, NULL::bigint,
                                NULL::bigint;
            CONTINUE;
        END IF;
        RETURN QUERY SELECT u.ord, 'ok'::text, d.txn_id, d.txn_no, d.book_after,
                            d.usable_after;
    END LOOP;
END
$fn$
"""
FUNCTIONS = (LEDGER_DEBIT, LEDGER_POINT_USES)

for _function in FUNCTIONS:
    event.listen(Base.metadata, "after_create",
                 DDL(_function).execute_if(dialect="postgresql"))
