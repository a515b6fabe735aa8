"""The same operation, the same Idempotency-Key (docs/api.md): the rule, apart from any screen.

A clerk who presses the button again, or 再試行 after a lost answer, sends the same operation
again; it must go out under the key of the first try, so that the outbox and the cloud answer it
with the first result instead of applying it twice. A different operation (another amount,
another card) gets a new key, and so does an identical one once the first is done (forgotten).
The Qt screens hold one `PendingOperation` each; the CLI, which runs one operation per process,
takes the key of an earlier try from `--idempotency-key`.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable

from terminal_app.domain import rules


class PendingOperation:
    """One operation on its way to the cloud: its payload (what is sent) and its key."""

    def __init__(self, key: str | None = None, *,
                 new_key: Callable[[], str] = lambda: rules.idempotency_key(None)) -> None:
        """`key`: the key of an earlier try (checked: UserFacingError idempotency_key_format),
        which the first payload adopts; None for a fresh one."""
        self._given = rules.idempotency_key(key) if key else None
        self._new_key = new_key
        self._payload: Hashable | None = None
        self._key: str | None = None
        self.sent = False   # the current key has gone out at least once: repeat means 再確認

    def key(self, payload: Hashable) -> str:
        """The key of `payload`: the same as last time for the same payload until forget(), a
        new one for a different payload."""
        if self._key is None or self._payload != payload:
            self._key, self._given = self._given or self._new_key(), None
            self._payload, self.sent = payload, False
        return self._key

    def mark_sent(self) -> None:
        self.sent = True

    def forget(self) -> None:
        """The operation is done: the next one, even an identical one, gets a key of its own."""
        self._payload, self._key, self.sent = None, None, False
