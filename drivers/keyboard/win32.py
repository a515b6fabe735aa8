"""Windows back-end of the keystroke output: `SendInput` and the clipboard, through ctypes.

Text is sent as KEYEVENTF_UNICODE events (one down/up pair per UTF-16 code unit, so any character
works whatever the keyboard layout or IME state); Enter, Tab and Ctrl+V are sent as virtual keys
because some applications only react to VK codes for them. All events of one call go in a single
`SendInput` batch, so a clerk's stray keystroke cannot land in the middle of the service ID.

The structures use fixed-width ctypes types (not `wintypes`, whose DWORD is 8 bytes on 64-bit
Linux) and include the MOUSEINPUT member, so ``sizeof(INPUT)`` is the 40 bytes (28 on 32-bit)
that `SendInput` checks. The event plan is a pure function and is unit-tested on any OS; the
calls into user32/kernel32 happen only on Windows.

`focus_previous` walks the z-order below our top-level window (GetWindow GW_HWNDNEXT) to the
first visible, titled, unowned application window — the one active before ours — and calls
SetForegroundWindow, which Windows allows because our process is in the foreground then.

Windows restriction (UIPI): a non-elevated process cannot send input to an elevated window;
run the linked system and this software at the same integrity level.
"""
from __future__ import annotations

import ctypes
import logging
import sys
import time
from typing import Any

from drivers.keyboard.base import KeystrokeUnavailable
from drivers.keyboard.messages import message

log = logging.getLogger(__name__)

INPUT_KEYBOARD = 1
KEYEVENTF_KEYUP = 0x0002
KEYEVENTF_UNICODE = 0x0004
VK_TAB, VK_RETURN, VK_CONTROL, VK_V = 0x09, 0x0D, 0x11, 0x56
NAMED_VK = {"enter": VK_RETURN, "tab": VK_TAB}
CF_UNICODETEXT = 13
GA_ROOT, GW_HWNDNEXT, GW_OWNER = 2, 2, 4
GWL_EXSTYLE, WS_EX_TOOLWINDOW = -20, 0x00000080
GMEM_MOVEABLE = 0x0002
ULONG_PTR = ctypes.c_size_t

KeyEvent = tuple[int, int, int]          # (wVk, wScan, dwFlags)


class KEYBDINPUT(ctypes.Structure):
    _fields_ = [("wVk", ctypes.c_uint16), ("wScan", ctypes.c_uint16),
                ("dwFlags", ctypes.c_uint32), ("time", ctypes.c_uint32),
                ("dwExtraInfo", ULONG_PTR)]


class MOUSEINPUT(ctypes.Structure):
    _fields_ = [("dx", ctypes.c_int32), ("dy", ctypes.c_int32), ("mouseData", ctypes.c_uint32),
                ("dwFlags", ctypes.c_uint32), ("time", ctypes.c_uint32),
                ("dwExtraInfo", ULONG_PTR)]


class HARDWAREINPUT(ctypes.Structure):
    _fields_ = [("uMsg", ctypes.c_uint32), ("wParamL", ctypes.c_uint16),
                ("wParamH", ctypes.c_uint16)]


class _InputUnion(ctypes.Union):
    _fields_ = [("ki", KEYBDINPUT), ("mi", MOUSEINPUT), ("hi", HARDWAREINPUT)]


class INPUT(ctypes.Structure):
    _fields_ = [("type", ctypes.c_uint32), ("u", _InputUnion)]


def unicode_events(text: str) -> list[KeyEvent]:
    """Down/up KEYEVENTF_UNICODE pairs, one per UTF-16 code unit (surrogates included)."""
    data = text.encode("utf-16-le")
    units = [int.from_bytes(data[i:i + 2], "little") for i in range(0, len(data), 2)]
    events: list[KeyEvent] = []
    for unit in units:
        events += [(0, unit, KEYEVENTF_UNICODE), (0, unit, KEYEVENTF_UNICODE | KEYEVENTF_KEYUP)]
    return events


def vk_events(*vks: int) -> list[KeyEvent]:
    """Press the virtual keys in order, release them in reverse (a chord such as Ctrl+V)."""
    downs = [(vk, 0, 0) for vk in vks]
    ups = [(vk, 0, KEYEVENTF_KEYUP) for vk in reversed(vks)]
    return downs + ups


def input_array(events: list[KeyEvent]) -> Any:
    """The ctypes INPUT[] that SendInput takes."""
    array = (INPUT * len(events))()
    for slot, (vk, scan, flags) in zip(array, events):
        slot.type = INPUT_KEYBOARD
        slot.u.ki = KEYBDINPUT(wVk=vk, wScan=scan, dwFlags=flags, time=0, dwExtraInfo=0)
    return array


_HWND = ctypes.c_void_p
_WINDOW_FUNCTIONS: dict[str, tuple[list[Any], Any]] = {   # 64-bit safe handle signatures
    "GetAncestor": ([_HWND, ctypes.c_uint], _HWND),
    "GetWindow": ([_HWND, ctypes.c_uint], _HWND),
    "IsWindowVisible": ([_HWND], ctypes.c_int),
    "IsIconic": ([_HWND], ctypes.c_int),
    "GetWindowTextLengthW": ([_HWND], ctypes.c_int),
    "GetWindowLongW": ([_HWND, ctypes.c_int], ctypes.c_long),
    "SetForegroundWindow": ([_HWND], ctypes.c_int),
    "GetForegroundWindow": ([], _HWND),
}


def _dll(name: str) -> Any:
    if sys.platform != "win32":
        raise KeystrokeUnavailable(message("not_windows"))
    return ctypes.WinDLL(name, use_last_error=True)  # type: ignore[attr-defined,unused-ignore]


class SendInputInjector:
    """Key events through user32.SendInput into the foreground window."""

    def __init__(self) -> None:
        self._user32 = _dll("user32")
        self._user32.SendInput.argtypes = [ctypes.c_uint, ctypes.POINTER(INPUT), ctypes.c_int]
        self._user32.SendInput.restype = ctypes.c_uint
        for name, (argtypes, restype) in _WINDOW_FUNCTIONS.items():
            function = getattr(self._user32, name)
            function.argtypes, function.restype = argtypes, restype

    def can_type(self, text: str) -> bool:
        """KEYEVENTF_UNICODE can send any character, whatever the layout."""
        return True

    def type_chars(self, text: str) -> None:
        self._send(unicode_events(text))

    def press_key(self, name: str) -> None:
        self._send(vk_events(NAMED_VK[name]))

    def press_paste(self) -> None:
        self._send(vk_events(VK_CONTROL, VK_V))

    def focus_previous(self, own_window: int) -> bool:
        """Bring the window below ours in the z-order (the previously active one) to the front."""
        user32 = self._user32
        window = user32.GetWindow(user32.GetAncestor(own_window, GA_ROOT), GW_HWNDNEXT)
        while window:
            if self._is_app_window(window):
                user32.SetForegroundWindow(window)
                return bool(user32.GetForegroundWindow() == window)
            window = user32.GetWindow(window, GW_HWNDNEXT)
        return False

    def _is_app_window(self, window: int) -> bool:
        """Visible, not minimised, titled, not a tool window, not owned (a real app window)."""
        user32 = self._user32
        ex_style = user32.GetWindowLongW(window, GWL_EXSTYLE)
        return bool(user32.IsWindowVisible(window) and not user32.IsIconic(window)
                    and user32.GetWindowTextLengthW(window) > 0
                    and not ex_style & WS_EX_TOOLWINDOW
                    and not user32.GetWindow(window, GW_OWNER))

    def close(self) -> None:
        """Nothing to release: SendInput holds no handle."""

    def _send(self, events: list[KeyEvent]) -> None:
        array = input_array(events)
        sent = self._user32.SendInput(len(events), array, ctypes.sizeof(INPUT))
        if sent != len(events):
            error = ctypes.get_last_error()  # type: ignore[attr-defined,unused-ignore]
            raise KeystrokeUnavailable(message("send_failed", detail=f"SendInput {error}"))


class Win32Clipboard:
    """CF_UNICODETEXT on the Windows clipboard (the clipboard keeps the data itself)."""

    def __init__(self) -> None:
        self._user32, self._kernel32 = _dll("user32"), _dll("kernel32")
        self._user32.OpenClipboard.argtypes = [ctypes.c_void_p]
        self._user32.SetClipboardData.argtypes = [ctypes.c_uint, ctypes.c_void_p]
        self._user32.SetClipboardData.restype = ctypes.c_void_p
        self._kernel32.GlobalAlloc.argtypes = [ctypes.c_uint, ctypes.c_size_t]
        self._kernel32.GlobalAlloc.restype = ctypes.c_void_p
        self._kernel32.GlobalLock.argtypes = [ctypes.c_void_p]
        self._kernel32.GlobalLock.restype = ctypes.c_void_p
        self._kernel32.GlobalUnlock.argtypes = [ctypes.c_void_p]

    def offer(self, text: str) -> None:
        data = text.encode("utf-16-le") + b"\x00\x00"
        self._open()
        try:
            self._user32.EmptyClipboard()
            handle = self._global_copy(data)
            if not self._user32.SetClipboardData(CF_UNICODETEXT, handle):
                self._fail("SetClipboardData")
        finally:
            self._user32.CloseClipboard()

    def wait_delivered(self, timeout_s: float) -> bool:
        """The clipboard owns a copy, so the paste cannot miss it."""
        return True

    def close(self) -> None:
        """Nothing to release: the clipboard data belongs to the system now."""

    def _open(self) -> None:
        for _attempt in range(10):          # another program may hold the clipboard briefly
            if self._user32.OpenClipboard(None):
                return
            time.sleep(0.02)
        self._fail("OpenClipboard")

    def _global_copy(self, data: bytes) -> int:
        handle = self._kernel32.GlobalAlloc(GMEM_MOVEABLE, len(data))
        pointer: int | None = self._kernel32.GlobalLock(handle) if handle else None
        if pointer is None or not pointer:
            self._fail("GlobalAlloc")
            return 0
        ctypes.memmove(pointer, data, len(data))
        self._kernel32.GlobalUnlock(handle)
        return int(handle)

    def _fail(self, call: str) -> None:
        error = ctypes.get_last_error()  # type: ignore[attr-defined,unused-ignore]
        raise KeystrokeUnavailable(message("clipboard_failed", detail=f"{call} {error}"))
