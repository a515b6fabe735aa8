"""Keyboard-wedge input: tell a scanner's burst of keystrokes from a person typing.

Barcode/QR scanners and shopping-street point-card readers (商店街ポイントカード, read "by keyboard
interface" per the specification) type their data as very fast keystrokes ending in Enter. A
person types with gaps of 100 ms or more. `WedgeDetector` keeps the current *burst* — characters
each arriving within ``max_gap_s`` of the previous one — and, when Enter (or another configured
end key) arrives within ``max_gap_s`` of the last character and the burst is at least
``min_length`` characters long after removing the configured prefix/suffix, returns a
`ScanResult`. Everything else is human typing and is left alone: the detector never swallows a
character, it only reports completed scans (the glue decides to eat the final Enter).

Timestamps are in seconds on any monotonic clock; use the *event* timestamp (Qt:
``QKeyEvent.timestamp() / 1000``), not the time the event is handled, so a busy event loop does
not turn a scan into "typing". A timestamp that goes backwards breaks the burst.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from drivers.keyboard.messages import message

log = logging.getLogger(__name__)

_EPSILON_S = 1e-9          # float sums of timestamps must not turn a 50 ms gap into 50.0000001


@dataclass(frozen=True)
class WedgeConfig:
    """Tuning of the detector; units in the names."""

    max_gap_s: float = 0.05          # longest pause between two keystrokes of one scan
    min_length: int = 4              # shortest accepted scan, after prefix/suffix removal
    prefix: str = ""                 # sent by the reader before the data (stripped; required)
    suffix: str = ""                 # sent by the reader after the data (stripped; required)
    end_keys: str = "\r\n"           # characters that end a scan when passed to feed()

    def __post_init__(self) -> None:
        if not self.max_gap_s > 0:
            raise ValueError(message("bad_gap", value=self.max_gap_s))
        if self.min_length < 1:
            raise ValueError(message("bad_min_length", value=self.min_length))
        if not self.end_keys or set(self.end_keys) - set("\r\n\t"):
            raise ValueError(message("bad_end_keys", value=self.end_keys))


@dataclass(frozen=True)
class ScanResult:
    """One completed scan: `data` without prefix/suffix; `raw` as typed (to undo in a field)."""

    data: str
    raw: str
    started_at_s: float
    duration_s: float


class WedgeDetector:
    """Feed every keystroke; get a `ScanResult` when a fast burst ends with Enter."""

    def __init__(self, config: WedgeConfig | None = None) -> None:
        self.config = config or WedgeConfig()
        self._burst: list[str] = []
        self._started_s = 0.0
        self._last_s: float | None = None

    def feed(self, char: str, t_s: float) -> ScanResult | None:
        """One keystroke's text (several characters share `t_s`); end keys complete a scan."""
        result: ScanResult | None = None
        for ch in char:
            if ch in self.config.end_keys:
                result = self.feed_enter(t_s)
            else:
                self._add(ch, t_s)
        return result

    def feed_enter(self, t_s: float) -> ScanResult | None:
        """Enter pressed: a ScanResult if it ends a qualifying burst, else None (human Enter)."""
        raw, started = "".join(self._burst), self._started_s
        in_time = self._within_gap(t_s)
        self.reset()
        data = self._strip(raw) if in_time else None
        if data is None or len(data) < self.config.min_length:
            return None
        log.debug("wedge scan of %d characters in %.3f s", len(raw), t_s - started)
        return ScanResult(data=data, raw=raw, started_at_s=started, duration_s=t_s - started)

    def is_scanning(self, t_s: float) -> bool:
        """True while a burst long enough to become a scan is still within its gap."""
        return self._within_gap(t_s) and len(self._burst) >= 2

    def reset(self) -> None:
        """Forget the current burst (e.g. when the focused screen changes)."""
        self._burst = []
        self._last_s = None

    def _add(self, ch: str, t_s: float) -> None:
        if not self._within_gap(t_s):
            self._burst = []
            self._started_s = t_s
        self._burst.append(ch)
        self._last_s = t_s

    def _within_gap(self, t_s: float) -> bool:
        if self._last_s is None:
            return False
        return 0 <= t_s - self._last_s <= self.config.max_gap_s + _EPSILON_S

    def _strip(self, raw: str) -> str | None:
        prefix, suffix = self.config.prefix, self.config.suffix
        if not raw.startswith(prefix) or not raw.endswith(suffix):
            return None
        if len(raw) < len(prefix) + len(suffix):
            return None
        return raw[len(prefix):len(raw) - len(suffix)]
