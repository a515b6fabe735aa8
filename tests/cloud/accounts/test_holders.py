"""MyKey ID change and revocation: GIVEN a holder WHEN the ID changes or the holder is revoked
THEN the old ID is never reassigned and a revoked holder's card no longer resolves."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from cloud_api.db import unit_of_work
from cloud_api.errors import ApiError
from cloud_api.models.accounts import Holder, MykeyIdRegistry
from cloud_api.services.holders import change_mykey_id, revoke_holder
from cloud_api.services.mykey_ids import is_taken
from tests.cloud.accounts.helpers import make_ca, new_card, problem
from tests.cloud.conftest import NOW


def test_changed_id_is_retired_forever(kawasaki, sessions) -> None:
    holder_id = kawasaki.holder("MY123456")
    with unit_of_work(sessions) as s:
        change_mykey_id(s, holder_id, "NEWKEY01", NOW)
    with sessions() as s:
        assert s.get(Holder, holder_id).mykey_id == "NEWKEY01"
        old = s.get(MykeyIdRegistry, "MY123456")
        assert old.release_reason == "changed" and is_taken(s, "MY123456")


def test_change_to_a_taken_or_malformed_id_is_refused(kawasaki, sessions) -> None:
    a, _ = kawasaki.holder("MY123456"), kawasaki.holder("KEY34567", auth_serial="BEEF")
    for new_id, code in (("KEY34567", "mykey_id_taken"), ("key34567", "validation_failed")):
        with pytest.raises(ApiError) as err, unit_of_work(sessions) as s:
            change_mykey_id(s, a, new_id, NOW)
        assert err.value.code == code
    with sessions() as s:
        assert s.get(Holder, a).mykey_id == "MY123456"


def test_revoked_holder_cannot_use_the_card(kawasaki, signed_client, settings, sessions) -> None:
    kawasaki.terminal("00052559", "I")
    card = new_card(make_ca(settings.jpki_ca_dir), NOW)
    holder_id = kawasaki.holder("MY123456", auth_serial=card.serial)
    with unit_of_work(sessions) as s:
        revoke_holder(s, holder_id, NOW)
    resp = signed_client("00052559").post("/api/v1/cards/read", {"auth_cert": card.der_b64})
    assert resp.status_code == 403 and problem(resp)["code"] == "holder_revoked"
    with sessions() as s:
        assert s.scalar(select(MykeyIdRegistry.release_reason)) == "revoked"
    with pytest.raises(ApiError), unit_of_work(sessions) as s:
        revoke_holder(s, holder_id, NOW)
