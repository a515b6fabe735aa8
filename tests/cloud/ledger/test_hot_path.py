"""GIVEN a warm app WHEN a terminal spends points THEN the request runs a small, fixed number of
SQL statements (no N+1 over lots, static data such as usable points not re-read per request)."""
from __future__ import annotations

from sqlalchemy import event

from tests.cloud.ledger.world import MUSEUM

# Statements of one warm /spend, in one transaction (the terminal's row is remembered and
# re-checked by the nonce insert; the settlement account's id is remembered). SQLite: nonce,
# idempotency claim, the debit as lock, usable lots, book balance, txn number, txn, entries,
# consumptions (plus its BEGIN IMMEDIATE), idempotency completion. PostgreSQL
# (cloud_api/api/spend_batches.py): nonce, key check and debit in one call of ledger_point_uses,
# then the idempotency record with the response. COMMIT is not a cursor statement.
MAX_STATEMENTS = {"postgresql": 2, "sqlite": 11}


def _count(app, fn):  # type: ignore[no-untyped-def]
    seen: list[str] = []
    engine = app.extensions["mykey"].engine

    def on_execute(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement.split()[0].upper())
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    return seen


def test_a_warm_spend_runs_a_fixed_small_number_of_statements(app, world, grant_via_api,
                                                               signed_client, monkeypatch):
    from cloud_api.services import terminal_auth

    monkeypatch.setattr(terminal_auth, "PURGE_ONE_IN", 10**12)   # no random nonce purge here
    for _ in range(6):
        grant_via_api(100)                               # six lots: consumption must not loop SQL

    def spend(amount: int):  # type: ignore[no-untyped-def]
        body = {"card_token": world.token(MUSEUM), "point_id": f"{world.point_id:08d}",
                "amount": amount}
        resp = signed_client(MUSEUM).post("/api/v1/spend", body)
        assert resp.status_code == 201, resp.get_json()

    spend(1)                                              # warms caches and creates accounts
    spend(1)                                              # the settlement account is committed
    small = _count(app, lambda: spend(1))
    large = _count(app, lambda: spend(450))               # consumes five lots
    dialect = app.extensions["mykey"].engine.dialect.name
    assert len(small) == len(large) <= MAX_STATEMENTS[dialect], (small, large)
