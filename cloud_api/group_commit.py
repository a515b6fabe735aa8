"""Group commit: the operations that arrive while a batch runs go together in the next one.

Leader and followers, no thread of its own: a caller that finds no batch running runs one with
everything queued (at most `max_batch`, its own first); callers arriving meanwhile wait, and
when that batch is done the first of them leads the next one. Under load one database
transaction then carries many operations - one statement, one commit - instead of one each;
a lone caller runs alone at once, without waiting for company.

`run_batch(items)` returns one outcome per item, in order; if it raises, every caller of that
batch gets the exception.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class _Ticket(Generic[T, R]):
    __slots__ = ("error", "item", "lead", "outcome", "woken")

    def __init__(self, item: T) -> None:
        self.item = item
        self.outcome: R | None = None
        self.error: BaseException | None = None
        self.lead = False
        self.woken = threading.Event()


class GroupCommit(Generic[T, R]):
    def __init__(self, run_batch: Callable[[Sequence[T]], Sequence[R]],
                 max_batch: int = 32) -> None:
        self._run_batch, self.max_batch = run_batch, max_batch
        self._lock = threading.Lock()
        self._queue: list[_Ticket[T, R]] = []
        self._running = False

    @property
    def waiting(self) -> int:
        """How many callers are queued for the next batch (not counting the one running)."""
        with self._lock:
            return len(self._queue)

    def submit(self, item: T) -> R:
        """Run `item` in a batch (perhaps leading it) and return its outcome."""
        ticket: _Ticket[T, R] = _Ticket(item)
        with self._lock:
            self._queue.append(ticket)
            lead = ticket.lead = not self._running
            self._running = True
        if not lead:
            ticket.woken.wait()
        if ticket.lead:
            self._lead()
        if ticket.error is not None:
            raise ticket.error
        return ticket.outcome  # type: ignore[return-value]

    def _lead(self) -> None:
        with self._lock:
            batch, self._queue = self._queue[:self.max_batch], self._queue[self.max_batch:]
        try:
            outcomes = self._run_batch([t.item for t in batch])
            for ticket, outcome in zip(batch, outcomes, strict=True):
                ticket.outcome = outcome
        except BaseException as exc:  # noqa: BLE001 - every caller of the batch raises it
            for ticket in batch:
                ticket.error = exc
        finally:
            for ticket in batch:
                ticket.lead = False
                ticket.woken.set()
            with self._lock:
                if self._queue:   # the first caller waiting leads the next batch
                    self._queue[0].lead = True
                    self._queue[0].woken.set()
                else:
                    self._running = False
