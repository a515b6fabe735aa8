"""A private Xvfb and a focused Tk text field, to receive the ID自動引渡し (hand-off) keystrokes.

The field runs in its own process and reports on stdout: READY once it has the focus and
SUBMIT <text> when Enter is pressed. Reports are awaited on a queue with a timeout (no sleeps).
Both processes are stopped by their PID in `close()`.
"""
from __future__ import annotations

import logging
import os
import queue
import random
import select
import shutil
import subprocess
import sys
import threading
from pathlib import Path

log = logging.getLogger(__name__)

TIMEOUT_S = 15.0
FIELD_APP = r'''
import tkinter as tk
root = tk.Tk()
root.geometry("320x40+0+0")
entry = tk.Entry(root, width=40)
entry.pack()
def submit(ev):
    print(f"SUBMIT {entry.get()}", flush=True)
    entry.delete(0, "end")
    return "break"
entry.bind("<Return>", submit)
entry.bind("<FocusIn>", lambda ev: print("READY", flush=True))
root.update()
entry.focus_force()
root.mainloop()
'''


def unavailable_reason() -> str | None:
    """Why no X field can be made here (no Xvfb, no tkinter), or None."""
    if shutil.which("Xvfb") is None:
        return "Xvfb is not installed (Debian package xvfb)"
    probe = subprocess.run([sys.executable, "-c", "import tkinter"], capture_output=True,
                           check=False)
    return None if probe.returncode == 0 else "tkinter is not available to this Python"


def _read_line(fd: int) -> str:
    """Xvfb's -displayfd report up to its newline. Xvfb writes the number and the newline
    separately and dies ("Cannot write display number") if the pipe is closed in between."""
    data = b""
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], TIMEOUT_S)
        chunk = os.read(fd, 32) if ready else b""
        if not chunk:
            break
        data += chunk
    return data.decode("ascii", errors="replace").strip()


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class XField:
    """start(folder) -> display name; next_submit() -> the text entered; close()."""

    def __init__(self) -> None:
        self.display = ""
        self._xvfb: subprocess.Popen[str] | None = None
        self._field: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str] = queue.Queue()

    def start(self, folder: Path) -> str:
        self.display = self._start_xvfb()
        script = folder / "field.py"
        script.write_text(FIELD_APP, encoding="utf-8")
        log_file = (folder / "field.log").open("w", encoding="utf-8")
        self._field = subprocess.Popen([sys.executable, str(script)], text=True,
                                       env={**os.environ, "DISPLAY": self.display},
                                       stdout=subprocess.PIPE, stderr=log_file)
        log_file.close()
        threading.Thread(target=self._pump, args=(self._field,), daemon=True).start()
        if self._next("READY") is None:
            detail = (folder / "field.log").read_text(encoding="utf-8")[-500:]
            raise RuntimeError(f"the test field never got the focus: {detail}")
        return self.display

    def _start_xvfb(self) -> str:
        """Xvfb on a random high display number: the low ones are raced for by every other
        `-displayfd` user on a shared machine. A taken number makes Xvfb exit: try another."""
        for number in random.sample(range(200, 900), 5):
            if self._try_xvfb(number):
                return f":{number}"
        raise RuntimeError("Xvfb did not start on any of 5 display numbers")

    def _try_xvfb(self, number: int) -> bool:
        read_fd, write_fd = os.pipe()
        self._xvfb = subprocess.Popen(["Xvfb", f":{number}", "-displayfd", str(write_fd),
                                       "-screen", "0", "640x480x24", "-nolisten", "tcp", "-noreset"],
                                      pass_fds=(write_fd,), text=True,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write_fd)
        try:
            reported = _read_line(read_fd)
        finally:
            os.close(read_fd)
        if reported == str(number):
            return True
        _stop(self._xvfb)
        self._xvfb = None
        return False

    def _pump(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self._lines.put(line.rstrip("\n"))

    def _next(self, prefix: str) -> str | None:
        while True:
            try:
                line = self._lines.get(timeout=TIMEOUT_S)
            except queue.Empty:
                return None
            if line.startswith(prefix):
                return line[len(prefix):]

    def next_submit(self) -> str | None:
        """The field's text at the next Enter, or None when none came within the timeout."""
        return self._next("SUBMIT ")

    def close(self) -> None:
        for proc in (self._field, self._xvfb):
            if proc is not None:
                _stop(proc)
        if self._field is not None and self._field.stdout is not None:
            self._field.stdout.close()
        self._field = self._xvfb = None
