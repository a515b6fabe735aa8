"""GIVEN a real X server (Xvfb) and a real Tk text field with the focus WHEN the keystroke output
types a service ID THEN the field receives exactly that text and the terminator key.

The field runs in its own process and reports on stdout: READY when it has the focus, KEY <X
server time ms> <keysym> for every key press, SUBMIT <enter|tab> <field text> on Enter / Tab.
"""
from __future__ import annotations

import os
import queue
import select
import shutil
import subprocess
import sys
import threading
import time
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from drivers.keyboard import (
    KeystrokeInputError,
    KeystrokeUnavailable,
    WedgeConfig,
    WedgeDetector,
    open_keystroke_sender,
)

TIMEOUT_S = 15.0

FIELD_APP = r'''
import tkinter as tk
root = tk.Tk()
root.title("MyKey test field")
root.geometry("320x40+0+0")
entry = tk.Entry(root, width=40)
entry.pack()
def on_key(ev):
    print(f"KEY {ev.time} {ev.keysym}", flush=True)
def submitter(kind):
    def handler(ev):
        on_key(ev)
        print(f"SUBMIT {kind} {entry.get()}", flush=True)
        entry.delete(0, "end")
        return "break"
    return handler
root.bind_all("<KeyPress>", on_key)
entry.bind("<Return>", submitter("enter"))
entry.bind("<Tab>", submitter("tab"))
entry.bind("<FocusIn>", lambda ev: print("READY", flush=True))
root.update()
entry.focus_force()
root.mainloop()
'''

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 test needs Linux"),
    pytest.mark.skipif(shutil.which("Xvfb") is None,
                       reason="Xvfb is not installed (Debian package xvfb)"),
]


def _has_tk() -> bool:
    probe = subprocess.run([sys.executable, "-c", "import tkinter"], capture_output=True,
                           check=False)
    return probe.returncode == 0


@pytest.fixture(scope="module")
def xdisplay() -> Iterator[str]:
    """A private Xvfb; it picks a free display number itself and reports it (-displayfd)."""
    if not _has_tk():
        pytest.skip("tkinter is not available to this Python (needed for the test field)")
    read_fd, write_fd = os.pipe()
    # -noreset: without it the server resets whenever its last client disconnects, and a test
    # connecting at that moment sees "Connection reset by peer".
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "640x480x24",
                             "-nolisten", "tcp", "-noreset"], pass_fds=(write_fd,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    try:
        ready, _, _ = select.select([read_fd], [], [], TIMEOUT_S)
        number = os.read(read_fd, 32).decode().strip() if ready else ""
        if not number:
            pytest.fail("Xvfb did not report a display number")
        yield f":{number}"
    finally:
        os.close(read_fd)
        proc.terminate()
        proc.wait(timeout=TIMEOUT_S)


class TextField:
    """The field process's report lines, awaited with a timeout (no sleeps)."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.lines: queue.Queue[str] = queue.Queue()
        self.keys: list[tuple[int, str]] = []
        self._pump_thread = threading.Thread(target=self._pump, daemon=True)
        self._pump_thread.start()

    def close(self) -> None:
        """After the process has ended: its output is read to the end, then the pipe closed."""
        self._pump_thread.join(timeout=TIMEOUT_S)
        assert self.proc.stdout is not None
        self.proc.stdout.close()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def next_report(self, prefix: str) -> str:
        while True:
            try:
                line = self.lines.get(timeout=TIMEOUT_S)
            except queue.Empty:
                pytest.fail(f"the text field reported no {prefix!r} within {TIMEOUT_S} s")
            if line.startswith("KEY "):
                _, time_ms, keysym = line.split(" ", 2)
                self.keys.append((int(time_ms), keysym))
            if line.startswith(prefix):
                return line[len(prefix):]


@pytest.fixture
def field(xdisplay: str, tmp_path: Path) -> Iterator[TextField]:
    script = tmp_path / "field.py"
    script.write_text(FIELD_APP, encoding="utf-8")
    env = {**os.environ, "DISPLAY": xdisplay}
    proc = subprocess.Popen([sys.executable, str(script)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, encoding="utf-8")
    text_field = TextField(proc)
    try:
        text_field.next_report("READY")
        yield text_field
    finally:
        proc.terminate()
        proc.wait(timeout=TIMEOUT_S)
        text_field.close()


def test_given_a_focused_field_when_the_service_id_is_typed_then_it_holds_exactly_it(
        xdisplay, field):
    with open_keystroke_sender(f"x11:{xdisplay}") as sender:
        sender.type_text("180000000011")
    assert field.next_report("SUBMIT ") == "enter 180000000011"


def test_given_auto_and_display_env_when_typed_with_tab_then_tab_terminates(
        xdisplay, field, monkeypatch):
    monkeypatch.setenv("DISPLAY", xdisplay)
    with open_keystroke_sender("auto") as sender:
        sender.type_text("MY123456", terminator="tab")
    assert field.next_report("SUBMIT ") == "tab MY123456"


def test_given_terminator_none_when_typed_then_no_key_follows_the_text(xdisplay, field):
    with open_keystroke_sender(f"x11:{xdisplay}") as sender:
        sender.type_text("1800", terminator="none")
        sender.type_text("00000011", terminator="enter")
    assert field.next_report("SUBMIT ") == "enter 180000000011"


def test_given_shifted_characters_when_typed_then_shift_is_pressed_for_them(xdisplay, field):
    with open_keystroke_sender(f"x11:{xdisplay}") as sender:
        sender.type_text("Ab-_#9")
    assert field.next_report("SUBMIT ") == "enter Ab-_#9"
    assert [k for _t, k in field.keys] == ["Shift_L", "A", "b", "minus", "Shift_L", "underscore",
                                           "Shift_L", "numbersign", "9", "Return"]


def test_given_characters_outside_the_keymap_when_typed_then_they_are_pasted(xdisplay, field):
    with open_keystroke_sender(f"x11:{xdisplay}") as sender:
        sender.type_text("図書館ＩＤ１２")
        sender.type_text("180000000011")
    assert field.next_report("SUBMIT ") == "enter 図書館ＩＤ１２"
    assert field.next_report("SUBMIT ") == "enter 180000000011"
    assert [k for _t, k in field.keys][:3] == ["Control_L", "v", "Return"]


def test_given_clipboard_mode_when_typed_then_the_field_pastes_the_id(xdisplay, field):
    with open_keystroke_sender(f"clipboard:{xdisplay}") as sender:
        sender.type_text("180000000011")
    assert field.next_report("SUBMIT ") == "enter 180000000011"
    assert [k for _t, k in field.keys] == ["Control_L", "v", "Return"]   # pasted, not typed


def test_given_many_pastes_in_a_row_when_typed_then_every_one_arrives(xdisplay, field):
    """Regression: sharing one python-xlib connection between threads deadlocked by paste ~8."""
    ids = [f"1800000{n:05d}" for n in range(25)]
    with open_keystroke_sender(f"clipboard:{xdisplay}") as sender:
        for service_id in ids:
            sender.type_text(service_id)
            assert field.next_report("SUBMIT ") == f"enter {service_id}"


def next_event_of_type(d: Any, event_type: int) -> Any:
    """The next X event of that type on connection `d`, awaited with a timeout."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        while d.pending_events():
            event = d.next_event()
            if event.type == event_type:
                return event
        select.select([d.fileno()], [], [], max(0.0, deadline - time.monotonic()))
    pytest.fail(f"no X event of type {event_type} within {TIMEOUT_S} s")


@pytest.fixture
def own_window(xdisplay: str, field: TextField) -> Iterator[Any]:
    """Our app's window, mapped above the field and holding the focus (as after clicking 照会)."""
    from Xlib import X
    from Xlib import display as xlib_display

    d = xlib_display.Display(xdisplay)
    screen = d.screen()
    window = screen.root.create_window(40, 40, 240, 120, 0, screen.root_depth, X.InputOutput,
                                       X.CopyFromParent, event_mask=X.StructureNotifyMask
                                       | X.KeyPressMask)
    window.map()
    next_event_of_type(d, X.MapNotify)
    window.set_input_focus(X.RevertToParent, X.CurrentTime)
    d.sync()
    try:
        yield types.SimpleNamespace(id=window.id, display=d)
    finally:
        d.close()


def test_given_our_window_has_the_focus_when_typed_with_return_focus_then_the_field_gets_it(
        xdisplay, field, own_window):
    with open_keystroke_sender(f"x11:{xdisplay}") as sender:
        sender.type_text("180000000011", return_focus_from=own_window.id)
    assert field.next_report("READY") == ""                    # the field got the focus back
    assert field.next_report("SUBMIT ") == "enter 180000000011"


def test_given_our_window_has_the_focus_when_typed_without_return_then_our_window_gets_keys(
        xdisplay, field, own_window):
    """Why return_focus_from exists: otherwise the ID is typed into our own window."""
    from Xlib import X

    with open_keystroke_sender(f"x11:{xdisplay}") as sender:
        sender.type_text("1")
    assert next_event_of_type(own_window.display, X.KeyPress).window.id == own_window.id


def test_given_no_window_below_ours_when_returning_focus_then_a_japanese_error(xdisplay):
    with (open_keystroke_sender(f"x11:{xdisplay}") as sender,
          pytest.raises(KeystrokeUnavailable, match="連携システムの画面に切り替えられませんでした")):
        sender.type_text("180000000011", return_focus_from=0x7FFFFF0)


def test_given_bad_input_when_typed_then_nothing_reaches_the_field(xdisplay, field):
    with open_keystroke_sender(f"x11:{xdisplay}") as sender:
        with pytest.raises(KeystrokeInputError):
            sender.type_text("1800\t0011")
        sender.type_text("7")
    assert field.next_report("SUBMIT ") == "enter 7"


def test_given_keystrokes_typed_like_a_scanner_when_fed_to_the_wedge_then_a_scan(
        xdisplay, field):
    """The X server's own timestamps of the typed keys make a burst the detector accepts."""
    with open_keystroke_sender(f"x11:{xdisplay}") as sender:
        sender.type_text("180000000011")
    field.next_report("SUBMIT ")
    detector, scan = WedgeDetector(WedgeConfig(max_gap_s=0.05, min_length=8)), None
    for time_ms, keysym in field.keys:
        t_s = time_ms / 1000.0
        scan = detector.feed_enter(t_s) if keysym == "Return" else detector.feed(keysym, t_s)
    assert scan is not None and scan.data == "180000000011"


# python-xlib (Xlib/support/unix_connect.py) does not close the Unix and TCP sockets it tried
# when neither connects; they are collected, unclosed, when the exception is dropped.
@pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")
def test_given_a_display_that_does_not_exist_when_opened_then_unavailable_in_japanese(xdisplay):
    with pytest.raises(KeystrokeUnavailable, match="X11ディスプレイ"):
        open_keystroke_sender("x11::987")
