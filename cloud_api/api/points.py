"""Point operations of the terminal (画面29-39): thin views over the ledger services.

Grants by category エ terminals go through the grant business (cloud_api/api/grants.py), which
applies its once-per-person-per-付与日 rule; there is no other way to grant from a terminal.

Each mutating view runs under `require_terminal(permission)` and `idempotent` (which provides the
request's session as `g.db` and commits it with the stored response). On PostgreSQL a point use
that is the common case goes into a group commit first (cloud_api/api/spend_batches.py); every other
request, and every answer that is not a plain success, comes from the view here.
"""
from __future__ import annotations

import logging
from typing import Any

from flask import g, request

from cloud_api.api import points_input as inp
from cloud_api.api import spend_batches
from cloud_api.api._request import json_object
from cloud_api.api.auth import require_terminal
from cloud_api.api.blueprint import bp
from cloud_api.api.idempotency import idempotent
from cloud_api.api.spend_batches import with_fast_path
from cloud_api.context import cloud
from cloud_api.db import unit_of_work
from cloud_api.errors import ApiError, Forbidden
from cloud_api.services import merge_file, service_ids
from cloud_api.services.ledger import merge as merge_svc
from cloud_api.services.ledger import spend as spend_svc
from cloud_api.services.ledger import voucher_close, vouchers
from cloud_api.services.ledger.usable import usable_point, usable_point_ids

log = logging.getLogger(__name__)

Json = tuple[dict[str, Any], int]


def _operation_input(data: dict[str, Any], *extra: inp.FieldError | None,  # type: ignore[no-untyped-def]
                     shopping_card_ok: bool = False):
    """The checked fields' holder, and the point if the terminal may use it today."""
    holder = inp.operation_fields(data, *extra, shopping_card_ok=shopping_card_ok)
    point = usable_point(g.db, g.terminal, int(data["point_id"]), cloud().clock.today(),
                         inp.usable_cache())
    return holder, point


@bp.post("/spend")
@with_fast_path(spend_batches.spend)
@require_terminal("spend")
@idempotent
def spend() -> Json:
    data = json_object(request)
    holder, point = _operation_input(data)
    receipt = spend_svc.spend(g.db, clock=cloud().clock, terminal=g.terminal, point=point,
                              holder_id=holder.holder_id, mykey_id=holder.mykey_id,
                              amount=data["amount"])
    g.ledger_txn_id = receipt.txn_id
    return receipt.to_json(), 201


@bp.post("/vouchers")
@require_terminal("voucher_issue")
@idempotent
def issue_voucher() -> Json:
    data = json_object(request)
    days = data.get("validity_days")
    bad_days = (isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 30)
    holder, point = _operation_input(
        data, inp.field("validity_days", "voucher_validity_invalid") if bad_days else None)
    issued = vouchers.issue_voucher(g.db, clock=cloud().clock, terminal=g.terminal, point=point,
                                    holder_id=holder.holder_id, mykey_id=holder.mykey_id,
                                    amount=data["amount"], validity_days=data["validity_days"])
    g.ledger_txn_id = issued.txn_id
    return issued.to_json(), 201


@bp.get("/vouchers/<number>")
@require_terminal()
def show_voucher(number: str) -> dict[str, Any]:
    if not g.terminal.permissions & {"voucher_redeem", "voucher_issue"}:
        raise Forbidden("forbidden_category")
    number = inp.voucher_no(number)
    with unit_of_work(cloud().sessions) as session:
        ids = usable_point_ids(session, g.terminal, cloud().clock.today(), inp.usable_cache())
        voucher = vouchers.find_voucher(session, number)
        vouchers.check_visible(voucher, g.terminal.terminal_id, ids)
        return vouchers.voucher_json(session, voucher)


@bp.post("/vouchers/<number>/redeem")
@require_terminal("voucher_redeem")
@idempotent
def redeem_voucher(number: str) -> Json:
    ids = usable_point_ids(g.db, g.terminal, cloud().clock.today(), inp.usable_cache())
    done = voucher_close.redeem(g.db, clock=cloud().clock, terminal=g.terminal,
                                voucher_no=inp.voucher_no(number), usable_point_ids=ids)
    g.ledger_txn_id = done.txn_id
    return done.to_json(), 201


@bp.post("/vouchers/<number>/reprint")
@require_terminal("voucher_issue")
@idempotent
def reprint_voucher(number: str) -> Json:
    issued = vouchers.reprint(g.db, terminal=g.terminal, voucher_no=inp.voucher_no(number))
    return issued.to_json(), 200


@bp.post("/merges")
@require_terminal("merge")
@idempotent
def merge() -> Json:
    data = json_object(request)
    fmt = data.get("format", "v2")
    holder, point = _operation_input(
        data, None if fmt in ("v1", "v2") else inp.field("format", "field_type_invalid",
                                                         field="format"),
        shopping_card_ok=True)   # 画面37: the street's card number is read instead
    street = _street_of(holder)
    s = cloud().settings
    keys = merge_file.linkage_keys(s.merge_key_hex, s.merge_hash_secret, s.data_dir)
    merged = merge_svc.merge(g.db, clock=cloud().clock, terminal=g.terminal, point=point,
                             holder_id=holder.holder_id, mykey_id=holder.mykey_id,
                             amount=data["amount"], street=street, keys=keys, version=fmt)
    g.ledger_txn_id = merged.receipt.txn_id
    return merged.to_json(), 201


def _street_of(holder: Any) -> merge_svc.Street:
    if not g.terminal.id_business_id:
        raise ApiError("street_not_configured", 422)
    view = service_ids.lookup(g.db, g.terminal, holder)
    name = view.business.street_name or view.business.name
    return merge_svc.Street(view.business.id, name, view.customer_id)
