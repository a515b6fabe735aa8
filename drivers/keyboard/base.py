"""The keystroke-output interface: its two errors and the `KeyInjector` / `Clipboard` protocols.

Platform back-ends (`x11.py`, `win32.py`) implement these; `sender.KeystrokeSender` drives them.
"""
from __future__ import annotations

from typing import Protocol


class KeystrokeUnavailable(RuntimeError):
    """Keystroke output cannot work here (no display, wrong OS, …); message is Japanese."""


class KeystrokeInputError(ValueError):
    """The text or terminator given to `type_text` is invalid; nothing was typed."""


class KeyInjector(Protocol):
    """What a platform back-end does: synthesize key events into the focused window."""

    def can_type(self, text: str) -> bool: ...      # every character has a key

    def type_chars(self, text: str) -> None: ...

    def press_key(self, name: str) -> None: ...     # "enter" | "tab"

    def press_paste(self) -> None: ...              # Ctrl+V

    def focus_previous(self, own_window: int) -> bool: ...   # activate the window below ours

    def close(self) -> None: ...


class Clipboard(Protocol):
    """A clipboard the paste mode can fill; `wait_delivered` waits for the paste to read it."""

    def offer(self, text: str) -> None: ...

    def wait_delivered(self, timeout_s: float) -> bool: ...

    def close(self) -> None: ...
