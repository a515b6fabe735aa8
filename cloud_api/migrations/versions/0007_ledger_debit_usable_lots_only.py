"""ledger_debit reads the book balance from the latest entry and only the usable lots

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 00:10:00

Replaces the PL/pgSQL function ledger_debit of revision 0005. That version walked every lot the
holder account ever had, summing the consumptions of each, to find both the book balance and the
usable lots: a point use grew slower with the holder's history. This one takes the book balance
from the balance_after of the account's latest entry (verify-ledger checks that it equals the
lots) and reads only the lots still valid on the day. Same arguments, same results.
PostgreSQL only. This is the function as of this revision (a migration keeps its own copy);
tests/cloud/accounts/test_migrations.py checks that it equals the one `create_all` makes.
"""
from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEDGER_DEBIT = r"""CREATE OR REPLACE FUNCTION ledger_debit(
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


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(LEDGER_DEBIT)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_revision_0005().LEDGER_DEBIT)


def _revision_0005() -> ModuleType:
    """Revision 0005's module (its file name is no Python module name): its copy of the
    function."""
    path = Path(__file__).with_name("0005_ledger_debit_function.py")
    spec = importlib.util.spec_from_file_location("revision_0005", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
