"""One grant per person per grant business per 付与日, across mobile devices, over real HTTP.

GIVEN two mobile grant devices (two (エ) terminals) that read the same card for the same business
WHEN they upload one after the other, or at the same moment from two threads
THEN the person is granted once; the other device's read is decided 'already_granted' with the
first grant's number, listed in its upload result, and the rest of its upload goes on."""
from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import func, select

from drivers.card.virtual.reader import VirtualReader
from terminal_app.grant_support.models import today_jst
from tests.grant.helpers import BRANCH_TERMINAL, BUSINESS_ID, GRANT_TERMINAL, HOLDER, OTHER


def all_grants(world: Any, mykey_id: str) -> int:
    from cloud_api.models.ledger import JournalTxn

    with world.session() as s:
        return int(s.scalar(select(func.count()).select_from(JournalTxn).where(
            JournalTxn.kind == "grant", JournalTxn.mykey_id == mykey_id)) or 0)


def two_devices(terminal: Any, world: Any, *cards_of_second: str) -> list[Any]:
    """Both devices synced the roster (MY123456, KEY34567) and read MY123456's card offline;
    the second device also reads `cards_of_second`."""
    devices = []
    for pair in (GRANT_TERMINAL, BRANCH_TERMINAL):
        reader = VirtualReader()
        _, grants = terminal(reader=reader, terminal=pair)
        grants.support.login(*pair)
        grants.support.choose_fields(("name",))
        devices.append((reader, grants))
    devices[0][1].support.register(BUSINESS_ID, {"mykey_id": HOLDER})
    devices[0][1].support.register(BUSINESS_ID, {"mykey_id": OTHER})
    for n, (reader, grants) in enumerate(devices):
        assert grants.mobile.sync_roster(BUSINESS_ID) == 2
        for mykey_id in (HOLDER, *(cards_of_second if n else ())):
            reader.insert(world.card(mykey_id))
            grants.mobile.read_card(BUSINESS_ID)
            reader.remove()
    return [grants for _, grants in devices]


def test_same_card_on_two_devices_one_after_the_other(terminal: Any, world: Any) -> None:
    first, second = two_devices(terminal, world, OTHER)
    before = {m: world.balance(m) for m in (HOLDER, OTHER)}
    grants_before = all_grants(world, HOLDER)
    done = first.mobile.upload(BUSINESS_ID)
    late = second.mobile.upload(BUSINESS_ID)
    assert (done.granted, done.already, late.granted, late.pending) == (1, (), 1, 0)
    [already] = late.already
    granted_txn = first.mobile.reads(BUSINESS_ID)[0].txn_no
    assert (already.mykey_id, already.amount, already.txn_no) == (HOLDER, 0, granted_txn)
    assert already.grant_date == today_jst().isoformat()
    assert world.balance(HOLDER) == before[HOLDER] + 100          # once, not twice
    assert world.balance(OTHER) == before[OTHER] + 100            # the rest of the upload
    resent = second.support.cloud.upload(BUSINESS_ID, second.mobile.reads(BUSINESS_ID))
    assert {r["outcome"] for r in resent} == {"granted", "already_granted"}
    assert all(r["replayed"] for r in resent)
    assert all_grants(world, HOLDER) == grants_before + 1 and world.verify_ledger() == []


def test_same_card_on_two_devices_uploading_at_the_same_moment(terminal: Any,
                                                               world: Any) -> None:
    devices = two_devices(terminal, world)
    before, grants_before = world.balance(HOLDER), all_grants(world, HOLDER)
    start = threading.Barrier(len(devices))
    summaries: list[Any] = []
    errors: list[BaseException] = []

    def send(grants: Any) -> None:
        start.wait(30)
        try:
            summaries.append(grants.mobile.upload(BUSINESS_ID))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(d,)) for d in devices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted((s.granted, len(s.already)) for s in summaries) == [(0, 1), (1, 0)]
    assert world.balance(HOLDER) == before + 100
    assert all_grants(world, HOLDER) == grants_before + 1 and world.verify_ledger() == []


def test_pc_grant_then_mobile_read_of_the_same_day(terminal: Any, world: Any) -> None:
    """The PC (画面73, no card) and a mobile device follow the same rule."""
    pc, mobile = two_devices(terminal, world)
    grants_before = all_grants(world, HOLDER)
    day = today_jst().isoformat()
    [outcome] = pc.support.grant(BUSINESS_ID, [HOLDER], day)
    assert outcome.done is not None
    summary = mobile.mobile.upload(BUSINESS_ID)
    assert summary.granted == 0 and [r.txn_no for r in summary.already] == [outcome.done.txn_no]
    assert all_grants(world, HOLDER) == grants_before + 1 and world.verify_ledger() == []
