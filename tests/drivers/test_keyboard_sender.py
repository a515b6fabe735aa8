"""GIVEN the keystroke output's platform-independent parts WHEN given good or bad input THEN bad
input is refused in Japanese before any key is sent, and the Windows event plan is exact."""
from __future__ import annotations

import ctypes
import sys

import pytest

from drivers.keyboard import (
    KeystrokeInputError,
    KeystrokeSender,
    KeystrokeUnavailable,
    open_keystroke_sender,
)
from drivers.keyboard.sender import parse_terminator
from drivers.keyboard.win32 import (
    INPUT,
    KEYEVENTF_KEYUP,
    KEYEVENTF_UNICODE,
    VK_CONTROL,
    VK_RETURN,
    VK_V,
    input_array,
    unicode_events,
    vk_events,
)


class RecordingInjector:
    """Records the calls a back-end would turn into key events."""

    def __init__(self, previous_window: bool = True) -> None:
        self.calls: list[tuple[str, str]] = []
        self.previous_window = previous_window

    def focus_previous(self, own_window: int) -> bool:
        self.calls.append(("focus", hex(own_window)))
        return self.previous_window

    def can_type(self, text: str) -> bool:
        return text.isascii()

    def type_chars(self, text: str) -> None:
        self.calls.append(("chars", text))

    def press_key(self, name: str) -> None:
        self.calls.append(("key", name))

    def press_paste(self) -> None:
        self.calls.append(("paste", ""))

    def close(self) -> None:
        self.calls.append(("close", ""))


class SilentClipboard:
    """A clipboard nobody reads from (the focused window ignored Ctrl+V)."""

    def __init__(self) -> None:
        self.offered: list[str] = []

    def offer(self, text: str) -> None:
        self.offered.append(text)

    def wait_delivered(self, timeout_s: float) -> bool:
        return False

    def close(self) -> None:
        pass


@pytest.mark.parametrize("given, key", [("enter", "enter"), ("Enter", "enter"),
                                        ("RETURN", "enter"), ("tab", "tab"), ("none", None),
                                        ("", None)])
def test_given_a_terminator_name_when_parsed_then_the_key(given, key):
    assert parse_terminator(given) == key


@pytest.mark.parametrize("text, terminator, expected", [
    ("180000000011", "escape", "入力後に送るキー「escape」は不明です"),
    ("", "enter", "自動入力する文字列が空です"),
    ("1800\n0011", "enter", "制御文字が含まれています（5 文字目）"),
    ("18\u200b00", "none", "制御文字が含まれています（3 文字目）"),
])
def test_given_bad_input_when_typed_then_japanese_error_and_no_key_sent(text, terminator,
                                                                         expected):
    injector = RecordingInjector()
    sender = KeystrokeSender(injector, name="recording")
    with pytest.raises(KeystrokeInputError, match=expected):
        sender.type_text(text, terminator)
    assert injector.calls == []


def test_given_a_good_id_when_typed_then_chars_then_terminator():
    injector = RecordingInjector()
    with KeystrokeSender(injector, name="recording") as sender:
        sender.type_text("180000000011", "tab")
    assert injector.calls == [("chars", "180000000011"), ("key", "tab"), ("close", "")]


def test_given_our_window_id_when_typed_then_focus_returns_first():
    injector = RecordingInjector()
    KeystrokeSender(injector).type_text("180000000011", "enter", return_focus_from=0x3A00007)
    assert injector.calls == [("focus", "0x3a00007"), ("chars", "180000000011"), ("key", "enter")]


def test_given_no_previous_window_when_typed_then_a_japanese_error_and_nothing_typed():
    injector = RecordingInjector(previous_window=False)
    with pytest.raises(KeystrokeUnavailable, match="連携システムの画面に切り替えられませんでした"):
        KeystrokeSender(injector).type_text("180000000011", return_focus_from=0x3A00007)
    assert injector.calls == [("focus", "0x3a00007")]


def test_given_clipboard_mode_when_nobody_pastes_then_a_clear_error_and_no_terminator():
    injector, board = RecordingInjector(), SilentClipboard()
    sender = KeystrokeSender(injector, lambda: board, paste_always=True, name="clipboard")
    with pytest.raises(KeystrokeUnavailable, match="貼り付け先の画面が応答しませんでした"):
        sender.type_text("180000000011")
    assert board.offered == ["180000000011"] and injector.calls == [("paste", "")]


def test_given_untypable_text_and_no_clipboard_when_typed_then_a_japanese_error():
    injector = RecordingInjector()
    with pytest.raises(KeystrokeUnavailable, match="入力できない文字が含まれています"):
        KeystrokeSender(injector, name="recording").type_text("図書館")
    assert injector.calls == []


def test_given_an_unknown_spec_when_opened_then_a_japanese_error():
    with pytest.raises(KeystrokeUnavailable, match="出力方式「braille」は不明です"):
        open_keystroke_sender("braille")


@pytest.mark.skipif(sys.platform == "win32", reason="checks the non-Windows refusal")
def test_given_linux_when_win32_is_asked_then_unavailable():
    with pytest.raises(KeystrokeUnavailable, match="Windows 以外の環境"):
        open_keystroke_sender("win32")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 selection on Linux")
def test_given_no_display_when_auto_then_unavailable(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with pytest.raises(KeystrokeUnavailable, match="DISPLAY が設定されていない"):
        open_keystroke_sender(None)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 selection on Linux")
def test_given_only_wayland_when_auto_then_the_wayland_message(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    with pytest.raises(KeystrokeUnavailable, match="Wayland 環境では自動入力できません"):
        open_keystroke_sender("auto")


def test_given_text_when_planned_for_sendinput_then_unicode_down_up_per_utf16_unit():
    assert unicode_events("1A") == [
        (0, 0x31, KEYEVENTF_UNICODE), (0, 0x31, KEYEVENTF_UNICODE | KEYEVENTF_KEYUP),
        (0, 0x41, KEYEVENTF_UNICODE), (0, 0x41, KEYEVENTF_UNICODE | KEYEVENTF_KEYUP)]
    scans = [scan for _vk, scan, flags in unicode_events("𠮷") if not flags & KEYEVENTF_KEYUP]
    assert scans == [0xD842, 0xDFB7]                 # a surrogate pair, in order


def test_given_ctrl_v_when_planned_then_a_nested_chord():
    assert vk_events(VK_CONTROL, VK_V) == [(VK_CONTROL, 0, 0), (VK_V, 0, 0),
                                           (VK_V, 0, KEYEVENTF_KEYUP),
                                           (VK_CONTROL, 0, KEYEVENTF_KEYUP)]


def test_given_the_input_structure_then_it_has_the_size_sendinput_checks():
    assert ctypes.sizeof(INPUT) == (40 if ctypes.sizeof(ctypes.c_void_p) == 8 else 28)


def test_given_events_when_packed_then_the_input_array_carries_them():
    array = input_array(vk_events(VK_RETURN) + unicode_events("図"))
    assert [(a.type, a.u.ki.wVk, a.u.ki.wScan, a.u.ki.dwFlags) for a in array] == [
        (1, VK_RETURN, 0, 0), (1, VK_RETURN, 0, KEYEVENTF_KEYUP),
        (1, 0, 0x56F3, KEYEVENTF_UNICODE), (1, 0, 0x56F3, KEYEVENTF_UNICODE | KEYEVENTF_KEYUP)]
