"""ledger_point_uses: the point uses of a group commit in one statement on PostgreSQL

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 22:40:00

Creates the PL/pgSQL function ledger_point_uses (cloud_api/models/ledger_functions.py explains
it; cloud_api/api/spend_batches.py calls it). PostgreSQL only. This is the function as of this
revision (a migration keeps its own copy); tests/cloud/accounts/test_migrations.py checks that
it equals the one `create_all` makes.
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

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


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(LEDGER_POINT_USES)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS ledger_point_uses(jsonb)")
