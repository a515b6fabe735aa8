"""Business-support services (画面68-73 without Qt) against the real cloud and the virtual card.

GIVEN a registered (エ) terminal WHEN the clerk logs in, enters a person from the card and grants
THEN the master is synced, the roster reaches the cloud, a grant is applied once per round and
the holder who asked for it gets a Japanese email."""
from __future__ import annotations

from typing import Any

import pytest

from drivers.card.virtual_reader import VirtualReader
from terminal_app.domain.errors import FieldErrors, UserFacingError
from terminal_app.grant_support.support import DuplicateEntry
from tests.grant.helpers import BUSINESS_ID, GRANT_TERMINAL, HOLDER, HOLDER_EMAIL, collation

FIELDS = ("name", "birth_date", "address", "sex", "phone", "email", "notes")


def logged_in(terminal: Any, reader: Any = None) -> Any:
    _, grants = terminal(reader=reader)
    grants.support.login(*GRANT_TERMINAL)
    grants.support.choose_fields(FIELDS)
    return grants.support


def test_login_checks_id_and_password_then_syncs_the_master(terminal: Any) -> None:
    _, grants = terminal()
    with pytest.raises(UserFacingError, match="00053062"):
        grants.support.login("00000000", "x")
    with pytest.raises(UserFacingError, match="端末IDまたは端末パスワード"):
        grants.support.login(GRANT_TERMINAL[0], "wrong-pass")
    assert grants.store.businesses() == []
    businesses = grants.support.login(*GRANT_TERMINAL)
    assert [(b.business_id, b.name, b.points_per_grant) for b in businesses] == [
        ("0001", "健康づくり事業", 100)]
    assert grants.store.businesses() == businesses
    assert grants.support.municipality_name == "川崎市"


def test_entry_from_card_duplicate_overwrite_and_cloud_roster(terminal: Any, world: Any) -> None:
    reader = VirtualReader(world.card(HOLDER))
    support = logged_in(terminal, reader)
    with pytest.raises(FieldErrors):
        support.read_card_face("1234")
    face = support.read_card_face(collation(world.card(HOLDER)))
    assert (face.name, face.birth_date.isoformat(), face.sex) == ("川崎 花子", "1985-04-02", "女")
    mykey_id = support.read_mykey_id()
    assert mykey_id == HOLDER
    values = {"mykey_id": mykey_id, "name": face.name, "birth_date": "1985年4月2日",
              "address": face.address, "sex": face.sex, "phone": "044-000-1111",
              "email": "hanako@example.jp", "notes": ""}
    assert support.register(BUSINESS_ID, values) is True
    with pytest.raises(DuplicateEntry):
        support.register(BUSINESS_ID, dict(values, phone="090-1111-2222"))
    assert support.store.person(HOLDER).phone == "044-000-1111"
    support.register(BUSINESS_ID, dict(values, phone="090-1111-2222"), overwrite=True)
    assert support.store.person(HOLDER).phone == "090-1111-2222"
    assert support.cloud.roster(BUSINESS_ID) == [(HOLDER, 100)]


def test_bad_entry_changes_nothing(terminal: Any) -> None:
    support = logged_in(terminal)
    with pytest.raises(FieldErrors) as caught:
        support.register(BUSINESS_ID, {"mykey_id": "", "phone": "abc", "email": "x@",
                                       "birth_date": "1985年13月2日"})
    assert set(caught.value.errors) == {"mykey_id", "phone", "email", "birth_date"}
    assert support.store.roster(BUSINESS_ID) == []
    assert support.cloud.roster(BUSINESS_ID) == []


def test_grant_once_per_round_and_email_after_commit(terminal: Any, world: Any, smtp: Any) -> None:
    support = logged_in(terminal)
    support.register(BUSINESS_ID, {"mykey_id": HOLDER, "name": "川崎 花子"})
    before = world.balance(HOLDER)
    first = support.grant(BUSINESS_ID, [HOLDER], "2026-11-22")
    again = support.grant(BUSINESS_ID, [HOLDER], "2026-11-22")
    assert first[0].done is not None and first[0].done.amount == 100
    assert again[0].done is not None and again[0].done.txn_no == first[0].done.txn_no
    assert world.balance(HOLDER) == before + 100
    support.grant(BUSINESS_ID, [HOLDER], "2026-11-29")          # the next round grants again
    assert world.balance(HOLDER) == before + 200
    mails = smtp.wait_for(2)
    assert len(mails) == 2 and mails[0]["To"] == HOLDER_EMAIL
    assert "ポイント付与のお知らせ" in mails[0]["Subject"]
    body = mails[0].get_content()
    assert "健康づくり事業" in body and "100 ポイント" in body and first[0].done.txn_no in body
    assert world.verify_ledger() == []
