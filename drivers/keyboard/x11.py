"""X11 back-end of the keystroke output: XTest key events and a CLIPBOARD selection owner.

`XTestInjector` sends real key events through the XTEST extension (`Xlib.ext.xtest.fake_input`),
exactly as if typed on the keyboard, into whatever window has the input focus. Only characters
the current keymap produces (with or without Shift) are typed; for any other character (kanji,
full-width digits …) `can_type` is False and the sender pastes the text instead. Binding spare
keycodes on the fly, as xdotool does, was tried and rejected: XKB clients (Tk, measured under
Xvfb) only pick up the first of several quick keymap changes and then receive "??" keys.

`X11Clipboard` owns the CLIPBOARD selection with a 1x1 unmapped window and answers
SelectionRequest events (TARGETS, UTF8_STRING, STRING, TEXT) on its own thread, which is the only
user of its display connection; `wait_delivered` returns once a requestor has fetched the text,
i.e. the paste really happened.
"""
from __future__ import annotations

import logging
import os
import queue
import select
import threading
from typing import Any

from drivers.keyboard.base import KeystrokeUnavailable
from drivers.keyboard.messages import message

log = logging.getLogger(__name__)

try:
    from Xlib import XK, X, Xatom
    from Xlib import display as xdisplay
    from Xlib import error as xerror
    from Xlib.ext import xtest
    from Xlib.protocol import event as xevent
except ImportError:  # python-xlib is a Linux-only dependency
    xdisplay = None

NAMED_KEYS = {"enter": "Return", "tab": "Tab"}
OWN_TIMEOUT_S = 3.0


def keysym_for(ch: str) -> int:
    """The X keysym of one character: Latin-1 maps directly, the rest is 0x01000000 + code."""
    code = ord(ch)
    if 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xFF:
        return code
    return 0x01000000 | code


def connect(display_name: str) -> Any:
    """Open the display or raise KeystrokeUnavailable with the reason in Japanese."""
    if xdisplay is None:
        raise KeystrokeUnavailable(message("no_xlib"))
    try:
        return xdisplay.Display(display_name)
    except (xerror.DisplayError, xerror.XauthError, OSError) as exc:
        raise KeystrokeUnavailable(message("no_display", detail=f"{display_name}: {exc}")) from exc


class XTestInjector:
    """Key events through XTEST into the focused X11 window."""

    def __init__(self, display_name: str) -> None:
        self._d = connect(display_name)
        if not self._d.has_extension("XTEST"):
            self._d.close()
            raise KeystrokeUnavailable(message("no_xtest"))
        self._shift = self._named("Shift_L")
        self._control = self._named("Control_L")

    def can_type(self, text: str) -> bool:
        return all(self._keycode(keysym_for(ch)) is not None for ch in text)

    def type_chars(self, text: str) -> None:
        plan = [self._keycode(keysym_for(ch)) for ch in text]
        for entry in plan:
            if entry is None:
                raise KeystrokeUnavailable(message("untypable", text=text))
            self._tap(entry[0], self._shift if entry[1] else None)

    def press_key(self, name: str) -> None:
        self._tap(self._named(NAMED_KEYS[name]))

    def press_paste(self) -> None:
        self._tap(self._named("v"), self._control)

    def focus_previous(self, own_window: int) -> bool:
        from drivers.keyboard.x11_focus import focus_previous_window

        return focus_previous_window(self._d, own_window)

    def close(self) -> None:
        self._d.close()

    def _tap(self, keycode: int, modifier: int | None = None) -> None:
        try:
            if modifier is not None:
                xtest.fake_input(self._d, X.KeyPress, modifier)
            xtest.fake_input(self._d, X.KeyPress, keycode)
            xtest.fake_input(self._d, X.KeyRelease, keycode)
            if modifier is not None:
                xtest.fake_input(self._d, X.KeyRelease, modifier)
            self._d.sync()
        except (xerror.XError, xerror.ConnectionClosedError, OSError) as exc:
            raise KeystrokeUnavailable(message("send_failed", detail=exc)) from exc

    def _keycode(self, keysym: int) -> tuple[int, bool] | None:
        """(keycode, needs Shift) of a keysym in the current keymap, or None."""
        for keycode, index in self._d.keysym_to_keycodes(keysym):
            if index in (0, 1):
                return keycode, index == 1
        return None

    def _named(self, name: str) -> int:
        entry = self._keycode(XK.string_to_keysym(name))
        if entry is None:
            raise KeystrokeUnavailable(message("untypable", text=name))
        return entry[0]


class X11Clipboard:
    """Owns CLIPBOARD and serves its text to whoever pastes.

    python-xlib deadlocks when one thread waits for a reply while another reads events from
    the same connection (seen: `sync()` in `offer` against `pending_events()` in the server
    loop), so only the clipboard's own thread touches its display connection; `offer` hands it
    the text through a queue and a wake-up pipe and waits until ownership is confirmed.
    """

    def __init__(self, display_name: str) -> None:
        self._d = connect(display_name)
        self._window = self._d.screen().root.create_window(0, 0, 1, 1, 0, X.CopyFromParent)
        self._atoms = {name: self._d.intern_atom(name) for name in
                       ("CLIPBOARD", "TARGETS", "UTF8_STRING", "TEXT")}
        self._d.sync()
        self._utf8 = b""
        self._latin1 = b""
        self._offers: queue.Queue[str] = queue.Queue()
        self._wake_r, self._wake_w = os.pipe()
        self._owned = threading.Event()
        self._owned_ok = False
        self._delivered = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="x11-clipboard", daemon=True)
        self._thread.start()

    def offer(self, text: str) -> None:
        self._owned.clear()
        self._delivered.clear()
        self._offers.put(text)
        os.write(self._wake_w, b"o")
        if not self._owned.wait(OWN_TIMEOUT_S) or not self._owned_ok:
            raise KeystrokeUnavailable(message("clipboard_failed", detail="selection owner"))

    def wait_delivered(self, timeout_s: float) -> bool:
        return self._delivered.wait(timeout_s)

    def close(self) -> None:
        self._stop.set()
        os.write(self._wake_w, b"q")
        self._thread.join(timeout=OWN_TIMEOUT_S)
        os.close(self._wake_r)
        os.close(self._wake_w)
        self._d.close()

    def _serve(self) -> None:
        fd = self._d.fileno()
        while not self._stop.is_set():
            self._take_offers()
            while self._d.pending_events():
                event = self._d.next_event()
                if event.type == X.SelectionRequest:
                    self._answer(event)
                elif event.type == X.SelectionClear:
                    log.debug("clipboard taken over by another client")
            readable, _, _ = select.select([fd, self._wake_r], [], [], 1.0)
            if self._wake_r in readable:
                os.read(self._wake_r, 64)

    def _take_offers(self) -> None:
        while not self._offers.empty():
            text = self._offers.get_nowait()
            self._utf8 = text.encode("utf-8")
            self._latin1 = text.encode("latin-1", errors="replace")
            self._window.set_selection_owner(self._atoms["CLIPBOARD"], X.CurrentTime)
            owner = self._d.get_selection_owner(self._atoms["CLIPBOARD"])
            self._owned_ok = owner == self._window
            self._owned.set()

    def _answer(self, request: Any) -> None:
        prop = request.property or request.target      # obsolete clients pass None
        target = request.target
        utf8, text_atom = self._atoms["UTF8_STRING"], self._atoms["TEXT"]
        if target == self._atoms["TARGETS"]:
            targets = [self._atoms["TARGETS"], utf8, Xatom.STRING, text_atom]
            request.requestor.change_property(prop, Xatom.ATOM, 32, targets)
        elif target in (utf8, Xatom.STRING, text_atom):
            latin = target == Xatom.STRING
            request.requestor.change_property(prop, Xatom.STRING if latin else utf8, 8,
                                              self._latin1 if latin else self._utf8)
        else:
            prop = X.NONE
        self._notify(request, prop)
        if prop != X.NONE and target != self._atoms["TARGETS"]:
            self._delivered.set()

    def _notify(self, request: Any, prop: int) -> None:
        notify = xevent.SelectionNotify(time=request.time, requestor=request.requestor,
                                        selection=request.selection, target=request.target,
                                        property=prop)
        request.requestor.send_event(notify, event_mask=0)
        self._d.flush()
