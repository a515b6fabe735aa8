"""A recording stand-in for the OS boundary of drivers.keyboard (its KeyInjector protocol):
every key event it would synthesize is appended to `events` as text, so a test can assert what
a hand-off typed and in which order (focus change, characters, <tab>/<enter>, <closed>)."""
from __future__ import annotations


class RecordingInjector:
    """Records focus changes and key events instead of sending them."""

    def __init__(self) -> None:
        self.events: list[str] = []

    def can_type(self, text: str) -> bool:
        return text.isascii()

    def type_chars(self, text: str) -> None:
        self.events.append(text)

    def press_key(self, name: str) -> None:
        self.events.append(f"<{name}>")

    def press_paste(self) -> None:
        self.events.append("<paste>")

    def focus_previous(self, own_window: int) -> bool:
        self.events.append(f"<focus-from {own_window}>")
        return True

    def close(self) -> None:
        self.events.append("<closed>")
