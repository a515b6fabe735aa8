"""POST /spend on PostgreSQL: point uses that arrive together share one statement and one commit.

The general path (`require_terminal` → `idempotent` → the view) runs each point use in its own
transaction and waits for each statement in turn: nonce, idempotency claim, ledger_debit,
completion, commit. When a request is the common case - a terminal row this process remembers,
a valid signature and body, a point the usable-points cache lists for the terminal today, a
settlement account known to exist - it is checked here in Python and handed, with the very
parameters the general path's statements would get, to a group commit (cloud_api/group_commit.py):
the uses that arrived together run in one call of `ledger_point_uses`
(cloud_api/models/ledger_functions.py), which for each takes the nonce, checks that the key is
new and debits; then the idempotency records of the uses made go in with their responses in one
more statement, and one commit ends the batch.

A use that is not the common case after all - a replayed nonce, a key used before, a short
balance, a changed terminal row - has its nonce deleted again in that call, so it changed
nothing; after the commit it takes the general path, which decides it as it always does. So does
every use of a batch that failed (a deadlock, a key claimed meanwhile by another request, which
makes the records' insert fail on the unique key): the batch is rolled back whole. Every answer
is the general path's; the database only does less work per use.
"""
from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from flask import Response, current_app, g, request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from cloud_api.api import points_input as inp
from cloud_api.api._request import json_object
from cloud_api.api.auth import check_client_version, signed_request
from cloud_api.context import cloud
from cloud_api.db import is_postgres
from cloud_api.errors import ApiError
from cloud_api.group_commit import GroupCommit
from cloud_api.models.ledger import SETTLEMENT
from cloud_api.services import idempotency, terminal_auth
from cloud_api.services.ledger import statements as sql
from cloud_api.services.ledger.accounts import known_system_account
from cloud_api.services.ledger.debit import debit_params, debit_result
from cloud_api.services.ledger.journal import TxnHeader
from cloud_api.services.ledger.spend import log_spend, receipt_of, spend_header
from cloud_api.services.points import PointRef

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
BATCHES = "point_use_batches"   # app.extensions: the app's GroupCommit of point uses
Made = tuple[Response, str]      # a point use made: its response and 取引済番号


def with_fast_path(fast: Callable[[], Response | None]) -> Callable[[F], F]:
    """On PostgreSQL try `fast` first; None from it means the general path (the view) decides."""
    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if is_postgres(cloud().engine):
                response = fast()
                if response is not None:
                    return response
                g.pop("terminal", None)   # the general path authenticates afresh
            return view(*args, **kwargs)
        return wrapper  # type: ignore[return-value]
    return decorate


@dataclass(frozen=True)
class PointUse:
    """One checked point use: the parameters of the general path's statements, and what its
    receipt needs."""

    purge_before: datetime | None
    nonce: dict[str, Any]       # terminal_auth.INSERT_NONCE_IF_UNCHANGED's parameters
    record: dict[str, Any]      # the idempotency record's columns (idempotency.CLAIM_RECORD's)
    debit: dict[str, Any]       # ledger_debit's parameters (statements.DEBIT_PG's)
    header: TxnHeader
    point: PointRef

    def as_item(self, ord_: int) -> dict[str, Any]:
        """Its element of ledger_point_uses' argument."""
        return {"ord": ord_, "purge_before": self.purge_before,
                **{f"n_{k}": v for k, v in self.nonce.items()},
                **{f"c_{k}": v for k, v in self.record.items()},
                **{f"d_{k}": v for k, v in self.debit.items()}}


def spend() -> Response | None:
    """The point use of cloud_api/api/points.py, or None for the general path."""
    use = _checked_use()
    if use is None:
        return None
    batches: GroupCommit[PointUse, Made | None] | None = current_app.extensions.get(BATCHES)
    if batches is None:   # the app's first point use (built once, not on every request)
        batches = current_app.extensions.setdefault(
            BATCHES, GroupCommit(functools.partial(_run_batch, cloud().sessions)))
    made = batches.submit(use)
    if made is None:
        return None
    log_spend(use.header, made[1])
    return made[0]


def _checked_use() -> PointUse | None:
    """The request as a PointUse if it is the common case (see the module docstring)."""
    c = cloud()
    now, window = c.clock.now(), c.settings.signature_window_s
    try:
        check_client_version()
        req = signed_request()
        terminal_auth.check_shape(req)
        remembered = terminal_auth.verified_by_remembered_row(req, now, window, c.terminal_rows)
        if remembered is None:
            return None
        row, terminal = remembered
        if "spend" not in terminal.permissions:
            return None
        key = idempotency.check_key(request.headers.get("Idempotency-Key"))
        data = json_object(request)
        g.terminal = terminal
        holder = inp.operation_fields(data)
    except ApiError:
        return None
    point_id = int(data["point_id"])
    point = inp.usable_cache().peek(terminal, c.clock.today(), point_id)
    settlement = known_system_account(c.engine, SETTLEMENT, point_id, terminal.terminal_id)
    if point is None or settlement is None:
        return None
    header = spend_header(now, terminal, point, holder.holder_id, holder.mykey_id,
                          data["amount"])
    req_hash = idempotency.request_hash(req.method, req.path_with_query, req.body)
    return PointUse(terminal_auth.purge_cutoff(now, window),
                    terminal_auth.nonce_params(req, row, now),
                    idempotency.claim_params(terminal.terminal_id, key, req_hash, now),
                    debit_params(header, settlement), header, point)


def _run_batch(sessions: sessionmaker[Session], uses: Sequence[PointUse]) -> list[Made | None]:
    """One transaction for `uses`: each use made, or None for the general path."""
    # Uses run in (terminal, holder account) order; each locks its holder account, then its
    # terminal's 取引済番号 counter, and the batch holds both until its commit. A lock cycle then
    # needs a second request of one terminal running at the same time (a terminal sends one at a
    # time; a retry after a timeout can overlap): PostgreSQL aborts one side, and if that is the
    # batch, each of its uses takes the general path.
    order = sorted(range(len(uses)), key=lambda i: (uses[i].header.scope,
                                                    uses[i].debit["holder_key"]))
    items = json.dumps([uses[i].as_item(pos) for pos, i in enumerate(order)], default=_iso)
    made: list[Made | None] = [None] * len(uses)
    records: list[dict[str, Any]] = []
    with sessions() as session:
        try:
            for ord_, outcome, *debited in sql.run(session, sql.POINT_USES_PG,
                                                   {"uses": items}).rows:
                if outcome != "ok":
                    continue
                use = uses[order[ord_]]
                receipt = receipt_of(use.header, use.point,
                                     debit_result((outcome, *debited), use.header))
                response = current_app.make_response((receipt.to_json(), 201))
                made[order[ord_]] = (response, receipt.txn_no)
                records.append({**use.record, "status": 201, "txn_id": receipt.txn_id,
                                "response_body": response.get_data(as_text=True)})
            if records:
                sql.run(session, idempotency.INSERT_RECORDS_PG,
                        {"records": json.dumps(records, default=_iso)})
        except DBAPIError:   # a deadlock, a key claimed meanwhile: nothing is kept
            session.rollback()
            log.warning("a batch of %d point uses was rolled back; each takes the general path",
                        len(uses), exc_info=True)
            return [None] * len(uses)
        session.commit()
    return made


def _iso(value: object) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")
