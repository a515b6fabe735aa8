"""Property-based checks (hypothesis, modest example counts): lot consumption order, balances
under random grants/spends/expiry against a simple model, and idempotency-key semantics."""
from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cloud_api.clock import JST, FixedClock
from cloud_api.db import Base, make_engine, make_session_factory, unit_of_work
from cloud_api.errors import ApiError
from cloud_api.services import idempotency
from cloud_api.services.ledger.accounts import lock_holder_account
from cloud_api.services.ledger.balances import balances_for
from cloud_api.services.ledger.grant import grant
from cloud_api.services.ledger.lots import OpenLot, expired_lots, plan_consumption, points_left
from cloud_api.services.ledger.spend import spend
from cloud_api.services.ledger.sweep import sweep
from cloud_api.services.ledger.verify import verify
from tests.cloud.ledger.conftest import Pt, Term

lots_st = st.lists(st.builds(OpenLot, st.integers(1, 10_000), st.integers(1, 500),
                             st.dates(date(2018, 1, 1), date(2018, 1, 20))),
                   max_size=8, unique_by=lambda lot: lot.lot_id)


@settings(max_examples=200, deadline=None, database=None)
@given(lots_st, st.integers(1, 5000))
def test_consumption_takes_earliest_expiry_first_and_exactly_the_amount(lots, amount):
    total = sum(lot.remaining for lot in lots)
    if amount > total:
        with pytest.raises(ApiError):
            plan_consumption(lots, amount)
        return
    plan = plan_consumption(lots, amount)
    by_id = {lot.lot_id: lot for lot in lots}
    assert sum(take for _, take in plan) == amount
    assert all(0 < take <= by_id[i].remaining for i, take in plan)
    order = sorted(lots, key=lambda x: (x.expires_on, x.lot_id))
    used = [by_id[i] for i, _ in plan]
    assert used == order[:len(plan)]                     # a prefix of the expiry order
    assert all(take == by_id[i].remaining for i, take in plan[:-1])  # all but the last emptied


ops_st = st.lists(st.one_of(
    st.tuples(st.just("grant"), st.integers(1, 300), st.integers(1, 4)),
    st.tuples(st.just("spend"), st.integers(1, 400), st.just(0)),
    st.tuples(st.just("day"), st.integers(1, 3), st.just(0)),
    st.tuples(st.just("sweep"), st.just(0), st.just(0))), min_size=1, max_size=12)


@pytest.fixture
def shared_sessions(db_url):
    engine = make_engine(db_url)
    Base.metadata.create_all(engine)
    yield make_session_factory(engine)
    engine.dispose()


@settings(max_examples=20, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=ops_st)
def test_balances_follow_a_model_of_expiring_lots(shared_sessions, ops):
    holder = next(_holders)
    # Time only moves forward, across examples too: they share one database and the sweep's mark.
    clock = FixedClock(datetime(2018, 1, 1, 10, 0, tzinfo=JST) + timedelta(days=40 * next(_eras)))
    model: list[list] = []                               # [expires_on, remaining]
    for op, n, validity in ops:
        _apply(shared_sessions, clock, holder, model, op, n, validity)
        today = clock.today()
        expect = sum(r for exp, r in model if exp >= today)
        with unit_of_work(shared_sessions) as s:
            got = balances_for(s, holder, [Pt(1)], today)[0].balance
        assert got == expect
    with unit_of_work(shared_sessions) as s:
        assert verify(s) == []


_holders = itertools.count(1000)
_eras = itertools.count()   # 12 operations advance the clock by at most 36 days


def _apply(sessions, clock, holder, model, op, n, validity):  # type: ignore[no-untyped-def]
    today = clock.today()
    if op == "grant":
        with unit_of_work(sessions) as s:
            grant(s, clock=clock, point=Pt(1, validity_days=validity), holder_id=holder,
                  amount=n, scope="SYSTEM", terminal_id=None)
        model.append([today + timedelta(days=validity - 1), n])
    elif op == "spend":
        usable = sorted((m for m in model if m[0] >= today and m[1] > 0), key=lambda m: m[0])
        try:
            with unit_of_work(sessions) as s:
                spend(s, clock=clock, terminal=Term(), point=Pt(1), holder_id=holder,
                      mykey_id="MY000001", amount=n)
        except ApiError as exc:
            assert exc.code == "insufficient_balance" and n > sum(m[1] for m in usable)
            return
        for m in usable:
            take = min(n, m[1])
            m[1], n = m[1] - take, n - take
    elif op == "day":
        clock.advance(days=n)
    else:
        sweep(sessions, clock)
        for m in model:
            if m[0] < today:
                m[1] = 0
        with unit_of_work(sessions) as s:   # nothing expired is left open after a sweep
            account = lock_holder_account(s, 1, holder)
            assert account is None or points_left(expired_lots(s, account, today)) == 0


@settings(max_examples=30, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["key-aaaa1", "key-bbbb2", "key-cccc3"]),
                          st.sampled_from([b"{}", b'{"amount":1}'])), min_size=1, max_size=8))
def test_idempotency_replays_same_request_and_refuses_a_different_one(shared_sessions, calls):
    scope = f"{next(_holders):08d}"
    first: dict[str, bytes] = {}
    now = datetime(2018, 1, 1, tzinfo=JST)
    for key, body in calls:
        h = idempotency.request_hash("POST", "/api/v1/spend", body)
        try:
            with unit_of_work(shared_sessions) as s:
                record_id, stored = idempotency.claim(s, scope, key, h, now)
                if record_id is not None:
                    idempotency.complete(s, record_id, 201, body.decode(), None)
        except ApiError as exc:
            assert exc.code == "idempotency_key_reused" and first[key] != body
            continue
        if key in first:
            assert stored is not None and stored.body == first[key].decode()
            assert first[key] == body
        else:
            assert record_id is not None
            first[key] = body
