"""Keystroke output for the ID自動引渡し mode: type the service ID into the focused field.

The linked library / POS system has its card-number field focused (画面25 asks the clerk to put
the cursor there); the terminal then "types" the service ID and a terminator key into it, as a
scanner would. Platform back-ends (`x11.py`: XTest, `win32.py`: SendInput) implement the small
`KeyInjector` protocol of `base.py`; `KeystrokeSender` validates input first (bad input changes
nothing) and then either types character by character or — in clipboard mode, or when the
keyboard layout cannot produce a character (X11) — puts the text on the clipboard and presses
Ctrl+V.

Specs for `open_keystroke_sender`: ``auto`` (default: win32 on Windows, x11 where DISPLAY is
set), ``x11`` or ``x11:<display>`` (e.g. ``x11::87``), ``win32``, ``clipboard`` or
``clipboard:<display>``. When the platform or display is missing a `KeystrokeUnavailable` with
a Japanese message is raised — the caller shows it and falls back to 番号通知方式.
"""
from __future__ import annotations

import logging
import os
import sys
import unicodedata
from collections.abc import Callable
from typing import Self

from drivers.keyboard.base import Clipboard, KeyInjector, KeystrokeInputError, KeystrokeUnavailable
from drivers.keyboard.messages import message

log = logging.getLogger(__name__)

TERMINATORS = {"enter": "enter", "return": "enter", "tab": "tab", "none": None, "": None}
PASTE_TIMEOUT_S = 3.0


def parse_terminator(terminator: str | None) -> str | None:
    """"enter" / "tab" / "none" (case-insensitive) → key name or None; else KeystrokeInputError."""
    key = (terminator or "").strip().lower()
    if key not in TERMINATORS:
        raise KeystrokeInputError(message("bad_terminator", terminator=terminator))
    return TERMINATORS[key]


def check_text(text: str) -> None:
    """Reject empty text and control characters before anything is typed."""
    if not text:
        raise KeystrokeInputError(message("empty_text"))
    for position, ch in enumerate(text, start=1):
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs"):
            raise KeystrokeInputError(message("control_char", position=position))


class KeystrokeSender:
    """Types text into whatever field has focus, through one platform injector.

    `clipboard` is a factory, called once on the first paste; `paste_always` selects the
    clipboard mode, otherwise the clipboard is only used for text the keyboard cannot type.
    """

    def __init__(self, injector: KeyInjector, clipboard: Callable[[], Clipboard] | None = None,
                 paste_always: bool = False, name: str = "") -> None:
        self.name = name
        self._injector = injector
        self._clipboard_factory = clipboard
        self._clipboard: Clipboard | None = None
        self._paste_always = paste_always

    def type_text(self, text: str, terminator: str = "enter",
                  return_focus_from: int | None = None) -> None:
        """Type `text`, then the terminator key ("enter", "tab" or "none").

        `return_focus_from`: the native id of our own top-level window (Qt: ``int(winId())``).
        When given, the window that was active before ours (the linked system) is activated
        first, so the keystrokes go there and not into our own window.
        """
        term = parse_terminator(terminator)
        check_text(text)
        if return_focus_from is not None and not self._injector.focus_previous(return_focus_from):
            raise KeystrokeUnavailable(message("no_previous_window"))
        if self._paste_always or not self._injector.can_type(text):
            self._paste(text)
        else:
            self._injector.type_chars(text)
        if term:
            self._injector.press_key(term)
        log.info("typed %d characters via %s (terminator %s)", len(text), self.name, term)

    def _paste(self, text: str) -> None:
        if self._clipboard is None:
            if self._clipboard_factory is None:
                raise KeystrokeUnavailable(message("untypable", text=text))
            self._clipboard = self._clipboard_factory()
        self._clipboard.offer(text)
        self._injector.press_paste()
        if not self._clipboard.wait_delivered(PASTE_TIMEOUT_S):
            raise KeystrokeUnavailable(message("paste_timeout"))

    def close(self) -> None:
        if self._clipboard is not None:
            self._clipboard.close()
        self._injector.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _x11_display(path: str) -> str:
    if path:
        return path
    if not os.environ.get("DISPLAY"):
        if os.environ.get("WAYLAND_DISPLAY"):
            raise KeystrokeUnavailable(message("wayland_only"))
        raise KeystrokeUnavailable(message("no_display", detail="DISPLAY"))
    return os.environ["DISPLAY"]


def _open_x11(path: str, clipboard: bool) -> KeystrokeSender:
    from drivers.keyboard import x11

    display = _x11_display(path)
    injector = x11.XTestInjector(display)
    return KeystrokeSender(injector, lambda: x11.X11Clipboard(display), paste_always=clipboard,
                           name=f"{'clipboard' if clipboard else 'x11'}:{display}")


def _open_win32(clipboard: bool) -> KeystrokeSender:
    if sys.platform != "win32":
        raise KeystrokeUnavailable(message("not_windows"))
    from drivers.keyboard import win32

    return KeystrokeSender(win32.SendInputInjector(), win32.Win32Clipboard,
                           paste_always=clipboard, name="clipboard:win32" if clipboard else "win32")


def _open_native(path: str, clipboard: bool) -> KeystrokeSender:
    if sys.platform == "win32":
        return _open_win32(clipboard)
    if sys.platform.startswith(("linux", "freebsd", "openbsd")) or path:
        return _open_x11(path, clipboard)
    raise KeystrokeUnavailable(message("unsupported_os", platform=sys.platform))


def open_keystroke_sender(spec: str | None = None) -> KeystrokeSender:
    """Open the keystroke output named by `spec` (see the module docstring)."""
    kind, _, path = (spec or "auto").strip().partition(":")
    kind = kind.lower()
    if kind == "auto":
        return _open_native(path, clipboard=False)
    if kind == "x11":
        return _open_x11(path, clipboard=False)
    if kind == "win32":
        return _open_win32(clipboard=False)
    if kind == "clipboard":
        return _open_native(path, clipboard=True)
    raise KeystrokeUnavailable(message("unknown_spec", spec=spec))
