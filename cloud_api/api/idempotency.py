"""`@idempotent`: the Idempotency-Key contract of every mutating endpoint (docs/api.md).

Place it under `require_terminal` (keys are scoped per terminal). It opens the request's unit of
work, authenticates the terminal in it (cloud_api/api/auth.py), exposes the session as
`flask.g.db`, claims the key, runs the view and stores its response in the same transaction;
a repeat of the same request gets the stored response with `Idempotent-Replayed: true`. Views never commit: the decorator does, or rolls back on an error.
A view that made a ledger transaction sets `g.ledger_txn_id` so the record points at it.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, current_app, g, request

from cloud_api.api._request import request_target
from cloud_api.api.auth import AUTHENTICATES_IN_UNIT_OF_WORK, authenticate_in
from cloud_api.context import cloud
from cloud_api.db import unit_of_work
from cloud_api.services import idempotency as svc

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
REPLAYED = "Idempotent-Replayed"


def idempotent(view: F) -> F:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        c = cloud()
        try:
            with unit_of_work(c.sessions) as session:
                authenticate_in(session)
                key = svc.check_key(request.headers.get("Idempotency-Key"))
                terminal = g.get("terminal")
                scope = terminal.terminal_id if terminal is not None else svc.NO_TERMINAL_SCOPE
                req_hash = svc.request_hash(request.method, request_target(request.environ),
                                            request.get_data(cache=True))
                g.db, g.ledger_txn_id = session, None
                record_id, stored = svc.claim(session, scope, key, req_hash, c.clock.now())
                if stored is not None:
                    return _replay(stored)
                response = current_app.make_response(view(*args, **kwargs))
                svc.complete(session, record_id, response.status_code,  # type: ignore[arg-type]
                             response.get_data(as_text=True), g.get("ledger_txn_id"))
                return response
        finally:
            g.db = None
    setattr(wrapper, AUTHENTICATES_IN_UNIT_OF_WORK, True)
    return wrapper  # type: ignore[return-value]


def _replay(stored: svc.StoredResponse) -> Response:
    log.info("idempotent replay of %s %s", request.method, request.path)
    return Response(stored.body, status=stored.status, mimetype="application/json",
                    headers={REPLAYED: "true"})
