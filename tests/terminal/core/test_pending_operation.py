"""GIVEN an operation on its way to the cloud WHEN it is sent again, changed or done THEN the
same payload keeps its Idempotency-Key until done, a different payload gets a new key, and a
key given for a retry (the CLI's --idempotency-key) is checked and used."""
from __future__ import annotations

import itertools

import pytest

from terminal_app.domain.errors import UserFacingError
from terminal_app.services.operations import PendingOperation


def numbered() -> PendingOperation:
    counter = itertools.count(1)
    return PendingOperation(new_key=lambda: f"key-{next(counter):08d}")


def test_same_payload_same_key_until_forgotten() -> None:
    op = numbered()
    assert op.key(("AB12CD34", "00000001", 500)) == "key-00000001"
    assert op.key(("AB12CD34", "00000001", 500)) == "key-00000001"   # 再試行, pressed again
    op.forget()
    assert op.key(("AB12CD34", "00000001", 500)) == "key-00000002"   # a new, identical one


def test_a_different_payload_gets_a_new_key_and_is_not_sent() -> None:
    op = numbered()
    op.key(("AB12CD34", "00000001", 500))
    op.mark_sent()
    assert op.sent
    assert op.key(("AB12CD34", "00000001", 600)) == "key-00000002" and not op.sent
    assert op.key(("AB12CD34", "00000001", 500)) == "key-00000003"   # going back: new try


def test_sent_is_kept_for_the_same_payload_and_cleared_by_forget() -> None:
    op = numbered()
    op.key(("v",))
    op.mark_sent()
    op.key(("v",))
    assert op.sent
    op.forget()
    assert not op.sent


def test_a_given_key_is_used_by_the_first_payload_only() -> None:
    op = PendingOperation("retry-key-0001", new_key=lambda: "fresh-key-0001")
    assert op.key("spend") == "retry-key-0001"
    assert op.key("merge") == "fresh-key-0001"


def test_a_malformed_given_key_is_refused_in_japanese() -> None:
    with pytest.raises(UserFacingError, match="冪等キー"):
        PendingOperation("bad key!")


def test_fresh_keys_are_random_and_well_formed() -> None:
    keys = {PendingOperation().key("x") for _ in range(50)}
    assert len(keys) == 50
    assert all(PendingOperation(k).key("x") == k for k in keys)
