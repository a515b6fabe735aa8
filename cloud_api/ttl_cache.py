"""A small per-process cache whose entries expire after `ttl_s` seconds (thread-safe).

For static data read on the hot path (a terminal's usable points, a terminal's row): the owner
decides what may be cached and how a stale entry is caught. When full, it is cleared whole.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    MAX_ENTRIES = 10_000

    def __init__(self, ttl_s: float, timer: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s, self._timer = ttl_s, timer
        self._lock = threading.Lock()
        self._entries: dict[K, tuple[float, V]] = {}

    def get(self, key: K) -> V | None:
        with self._lock:
            hit = self._entries.get(key)
        return hit[1] if hit is not None and self._timer() - hit[0] < self.ttl_s else None

    def put(self, key: K, value: V) -> None:
        with self._lock:
            if len(self._entries) >= self.MAX_ENTRIES:
                self._entries.clear()
            self._entries[key] = (self._timer(), value)

    def forget(self, key: K) -> None:
        with self._lock:
            self._entries.pop(key, None)
