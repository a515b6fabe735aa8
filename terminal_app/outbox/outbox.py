"""Deliver a mutating request at least once and learn its outcome exactly once.

`deliver()` writes the request to the store BEFORE the first send, then tries up to
`1 + retries` times with exponential backoff while the cloud is unreachable (or answers a
gateway 502/503/504, which may hide an applied request). A 2xx or a definitive refusal ends it
(state done / failed) and is returned. When every try fails, the request stays pending and
`OutcomeUnknown(key)` is raised: `replay(key)` (the UI's 再確認) sends the same bytes with the same
key; the cloud answers a repeated key with the first result, so points are never taken twice.
`resume_pending()` re-sends what a previous run left pending (call it at start).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from terminal_app.api.errors import CloudUnreachable
from terminal_app.api.transport import HttpResponse
from terminal_app.domain.errors import OutcomeUnknown, UserFacingError
from terminal_app.outbox.store import OutboxEntry, OutboxStore

log = logging.getLogger(__name__)

Send = Callable[[str, str, bytes, str], HttpResponse]   # (method, path, body, key) -> response
AMBIGUOUS_STATUS = (502, 503, 504)


@dataclass(frozen=True)
class Resumed:
    """What happened to one pending request at resume: its key, kind and final response or
    None."""

    key: str
    path: str
    kind: str | None
    response: HttpResponse | None


class Outbox:
    """The retry policy over an OutboxStore."""

    def __init__(self, store: OutboxStore, *, retries: int = 3, backoff_s: float = 0.5,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.store = store
        self.retries = retries
        self.backoff_s = backoff_s
        self._sleep = sleep

    def in_memory(self) -> Outbox:
        """The same policy over a store that never touches the disk (bodies with secrets)."""
        return Outbox(OutboxStore(None), retries=self.retries, backoff_s=self.backoff_s,
                      sleep=self._sleep)

    def deliver(self, key: str, method: str, path: str, body: bytes, send: Send, *,
                kind: str) -> HttpResponse:
        """Record (with the operation `kind` of the caller) then send; return the definitive
        response or raise OutcomeUnknown."""
        entry = self.store.add(key, method, path, body, kind)
        if not entry.same_request(method, path, body):
            raise UserFacingError("idempotency_key_reused_local", key=key)
        if entry.state != "pending" and entry.status is not None:
            return HttpResponse(entry.status, entry.response or b"", {"X-Outbox-Replayed": "true"})
        return self._attempts(entry, send)

    def replay(self, key: str, send: Send) -> HttpResponse:
        """Send a recorded request again with the same key and bytes (再確認)."""
        entry = self.store.get(key)
        if entry is None:
            raise UserFacingError("outbox_unknown_key", key=key)
        if entry.state != "pending" and entry.status is not None:
            return HttpResponse(entry.status, entry.response or b"", {"X-Outbox-Replayed": "true"})
        return self._attempts(entry, send)

    def resume_pending(self, send: Send) -> list[Resumed]:
        """Re-send every request a previous run left pending; one try each round of retries."""
        results = []
        for entry in self.store.pending():
            try:
                response: HttpResponse | None = self._attempts(entry, send)
            except OutcomeUnknown:
                response = None
            results.append(Resumed(entry.key, entry.path, entry.kind, response))
        return results

    def _attempts(self, entry: OutboxEntry, send: Send) -> HttpResponse:
        for attempt in range(self.retries + 1):
            if attempt:
                self._sleep(self.backoff_s * (2 ** (attempt - 1)))
            response = self._try(entry, send)
            if response is not None:
                return response
        log.warning("request %s %s (key %s) left pending: no answer", entry.method,
                    entry.path, entry.key)
        raise OutcomeUnknown(entry.key)

    def _try(self, entry: OutboxEntry, send: Send) -> HttpResponse | None:
        """One send; the attempt is counted after it (the row itself is already durable)."""
        try:
            response = send(entry.method, entry.path, entry.body, entry.key)
        except CloudUnreachable:
            self.store.attempted(entry.key)
            return None
        if response.status in AMBIGUOUS_STATUS:
            self.store.attempted(entry.key)
            return None
        state = "done" if 200 <= response.status < 300 else "failed"
        self.store.finish(entry.key, state, response.status, response.body)
        return response
