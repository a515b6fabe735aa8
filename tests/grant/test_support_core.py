"""Business-support services (画面68-73 without Qt) against the real cloud and the virtual card.

GIVEN a registered (エ) terminal WHEN the clerk logs in, enters a person from the card and grants
THEN the master is synced, the roster reaches the cloud, a grant is applied once a day (also
across two PCs) and
the holder who asked for it gets a Japanese email."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from drivers.card.virtual.reader import VirtualReader
from terminal_app.domain.errors import FieldErrors, UserFacingError
from terminal_app.grant_support.models import today_jst
from terminal_app.grant_support.support import DuplicateEntry
from tests.grant.helpers import (
    BRANCH_TERMINAL,
    BUSINESS_ID,
    GRANT_TERMINAL,
    HOLDER,
    HOLDER_EMAIL,
    collation,
)

FIELDS = ("name", "birth_date", "address", "sex", "phone", "email", "notes")


def logged_in(terminal: Any, reader: Any = None) -> Any:
    _, grants = terminal(reader=reader)
    grants.support.login(*GRANT_TERMINAL)
    grants.support.choose_fields(FIELDS)
    return grants.support


def test_login_checks_id_and_password_then_syncs_the_master(terminal: Any) -> None:
    _, grants = terminal()
    with pytest.raises(UserFacingError, match=GRANT_TERMINAL[0]):
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


@pytest.mark.parametrize(("phone", "email"), [
    ("090--1111-2222", "taro@example.jp"),          # double hyphen (画面10 refuses it too)
    ("0901234567890123", "taro@example.jp"),        # 16 digits
    ("-0901111", "taro@example.jp"),
    ("090-1111-2222", "taro@xxx"),                  # no domain dot
    ("090-1111-2222", "太郎@example.jp"),
])
def test_phone_and_email_follow_the_screen10_contact_rules(phone: str, email: str) -> None:
    """GIVEN the grant person form WHEN phone/e-mail break 画面10's rules THEN the same Japanese
    messages as 画面10 (terminal_app.domain.contact), and a valid pair passes."""
    from terminal_app.domain.contact import ContactForm, contact_errors
    from terminal_app.grant_support import rules

    with pytest.raises(FieldErrors) as caught:
        rules.person({"mykey_id": HOLDER, "phone": phone, "email": email}, FIELDS)
    screen10 = contact_errors(ContactForm(phone=phone, email=email, email_confirm=email),
                              category="I")
    assert caught.value.errors == {k: screen10[k] for k in ("phone", "email") if k in screen10}
    ok = rules.person({"mykey_id": HOLDER, "phone": "０９０-1111-2222",
                       "email": "taro.yamada+x@example.co.jp"}, FIELDS)
    assert (ok.phone, ok.email) == ("090-1111-2222", "taro.yamada+x@example.co.jp")


def test_grant_once_a_day_and_email_after_commit(terminal: Any, world: Any, smtp: Any) -> None:
    support = logged_in(terminal)
    support.register(BUSINESS_ID, {"mykey_id": HOLDER, "name": "川崎 花子"})
    before = world.balance(HOLDER)
    today = today_jst()
    first = support.grant(BUSINESS_ID, [HOLDER], today.isoformat())
    again = support.grant(BUSINESS_ID, [HOLDER], today.isoformat())
    assert first[0].done is not None and first[0].done.amount == 100
    assert again[0].done is not None and again[0].done.txn_no == first[0].done.txn_no
    assert world.balance(HOLDER) == before + 100
    support.grant(BUSINESS_ID, [HOLDER], str(today - timedelta(days=1)))   # another day: again
    assert world.balance(HOLDER) == before + 200
    with pytest.raises(FieldErrors, match="付与日"):
        support.grant(BUSINESS_ID, [HOLDER], str(today + timedelta(days=1)))
    with pytest.raises(FieldErrors, match="付与日"):
        support.grant(BUSINESS_ID, [HOLDER], "第2回")
    assert world.balance(HOLDER) == before + 200
    mails = smtp.wait_for(2)
    assert len(mails) == 2 and mails[0]["To"] == HOLDER_EMAIL
    assert "ポイント付与のお知らせ" in mails[0]["Subject"]
    body = mails[0].get_content()
    assert "健康づくり事業" in body and "100 ポイント" in body and first[0].done.txn_no in body
    assert world.verify_ledger() == []


def test_two_pcs_grant_one_person_once_a_day(terminal: Any, world: Any) -> None:
    """GIVEN the main office and a branch PC WHEN both grant MY123456 for today THEN the branch
    gets the Japanese 'already granted' result for that person (others still granted)."""
    office = logged_in(terminal)
    _, branch_grants = terminal(terminal=BRANCH_TERMINAL)
    branch = branch_grants.support
    branch.login(*BRANCH_TERMINAL)
    branch.choose_fields(FIELDS)
    office.register(BUSINESS_ID, {"mykey_id": HOLDER})
    branch.register(BUSINESS_ID, {"mykey_id": HOLDER}, overwrite=True)
    branch.register(BUSINESS_ID, {"mykey_id": "KEY34567"})
    before = world.balance(HOLDER)
    day = today_jst().isoformat()
    first = office.grant(BUSINESS_ID, [HOLDER], day)
    second = branch.grant(BUSINESS_ID, ["KEY34567", HOLDER], day)
    assert first[0].done is not None
    assert second[0].done is not None and second[1].done is None
    assert second[1].error == (f"マイキーID {HOLDER} には {day} にこの付与事業のポイントを付与済み"
                               f"です（取引番号 {first[0].done.txn_no}）。同じ付与事業の付与は1日1回です。")
    assert world.balance(HOLDER) == before + 100
    assert world.verify_ledger() == []
