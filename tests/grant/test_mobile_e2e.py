"""Mobile grant mode end to end (画面74-79): roster sync, offline card reads, an upload whose
network is cut mid-way, resume, a full re-send, and 追加登録 of a holder not on the roster.

GIVEN a roster with MY123456 WHEN three cards are read offline (MY123456, KEY34567 not on the
roster, a card without a MyKey ID) and the answer to the first upload chunk is lost on the wire
THEN resuming and even re-sending everything grants MY123456 exactly once, lists KEY34567 for
画面78, and the ledger verifies clean."""
from __future__ import annotations

from typing import Any

import pytest

from drivers.card.virtual.reader import VirtualReader
from terminal_app.api.errors import CloudUnreachable
from terminal_app.api.transport import RequestsTransport
from tests.grant.helpers import BUSINESS_ID, GRANT_TERMINAL, HOLDER, OTHER
from tests.terminal.ui.harness import FlakyTransport, closed_port_url

UPLOAD = "/api/v1/grant-uploads"


def test_offline_reads_cut_upload_resume_and_exactly_once(terminal: Any, world: Any,
                                                           smtp: Any) -> None:
    reader = VirtualReader()
    flaky = FlakyTransport(RequestsTransport(world.url))
    _, grants = terminal(reader=reader, transport=flaky)
    support, mobile = grants.support, grants.mobile
    support.login(*GRANT_TERMINAL)
    support.choose_fields(("name",))
    support.register(BUSINESS_ID, {"mykey_id": HOLDER, "name": "川崎 花子"})
    assert mobile.sync_roster(BUSINESS_ID) == 1
    before = {m: world.balance(m) for m in (HOLDER, OTHER)}

    flaky.inner = RequestsTransport(closed_port_url())          # out in the field: no network
    for card in (world.card(HOLDER), world.card(OTHER), world.stranger_card, world.card(HOLDER)):
        reader.insert(card)
        mobile.read_card(BUSINESS_ID)
        reader.remove()
    assert len(mobile.reads(BUSINESS_ID)) == 3                  # the second tap is not a new read
    with pytest.raises(CloudUnreachable):
        mobile.upload(BUSINESS_ID)
    assert mobile.summary(BUSINESS_ID).pending == 3

    flaky.inner = RequestsTransport(world.url)                  # back online, but the line drops
    mobile.chunk = 1
    flaky.faults[UPLOAD] = ["after"]                            # cloud commits, answer is lost
    with pytest.raises(CloudUnreachable):
        mobile.upload(BUSINESS_ID)
    assert world.balance(HOLDER) == before[HOLDER] + 100        # applied on the cloud already
    assert mobile.summary(BUSINESS_ID).pending == 3             # …but the device does not know

    summary = mobile.upload(BUSINESS_ID)                        # resume
    assert (summary.granted, summary.no_mykey_id, summary.pending) == (1, 1, 0)
    assert [r.mykey_id for r in summary.unlisted] == [OTHER]
    replayed = grants.support.cloud.upload(BUSINESS_ID, mobile.reads(BUSINESS_ID))
    assert all(r["replayed"] for r in replayed)                 # a full re-send changes nothing
    assert world.balance(HOLDER) == before[HOLDER] + 100
    assert world.grant_txns(HOLDER) == 1

    read = summary.unlisted[0]                                  # 画面79 追加登録 → grant once
    done = mobile.add_and_grant(read, {"name": "高津 太郎"})
    again = grants.support.cloud.grant(BUSINESS_ID, OTHER, read.grant_date, "a-" + read.client_ref)
    assert done.amount == 100 and again.txn_no == done.txn_no
    assert world.balance(OTHER) == before[OTHER] + 100
    assert mobile.summary(BUSINESS_ID).unlisted == ()
    assert world.verify_ledger() == []
    assert len(smtp.wait_for(1)) == 1                           # MY123456 asked for notices


def test_bad_upload_item_is_refused_whole(terminal: Any, world: Any) -> None:
    _, grants = terminal()
    grants.support.login(*GRANT_TERMINAL)
    client = grants.support.cloud
    from terminal_app.api.errors import CloudError
    from terminal_app.grant_support.models import OfflineRead

    good = OfflineRead("m-0123456789", BUSINESS_ID, b"\x30\x00", "1", "2026-11-22T10:00:00+09:00")
    bad = OfflineRead("x", BUSINESS_ID, b"", "2", "yesterday")
    with pytest.raises(CloudError) as caught:
        client.upload(BUSINESS_ID, [good, bad])
    assert caught.value.status == 422
    fields = {e.field for e in caught.value.errors}
    assert fields == {"items[1].client_ref", "items[1].auth_cert", "items[1].read_at"}
