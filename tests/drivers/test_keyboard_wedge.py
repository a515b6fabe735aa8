"""GIVEN keystrokes with their event timestamps WHEN fed to the wedge detector THEN fast bursts
ending in Enter become scans and human typing is left alone."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.keyboard import ScanResult, WedgeConfig, WedgeDetector


def type_into(det: WedgeDetector, text: str, start_s: float, gap_s: float) -> float:
    """Feed `text` one key every `gap_s`; returns the time of the last key."""
    t = start_s
    for i, ch in enumerate(text):
        t = start_s + i * gap_s
        assert det.feed(ch, t) is None
    return t


def test_given_a_scanner_burst_ending_in_enter_when_fed_then_a_scan_is_returned():
    det = WedgeDetector(WedgeConfig(max_gap_s=0.05, min_length=8))
    last = type_into(det, "180000000011", 100.0, 0.008)
    scan = det.feed_enter(last + 0.004)
    assert scan == ScanResult(data="180000000011", raw="180000000011", started_at_s=100.0,
                              duration_s=pytest.approx(11 * 0.008 + 0.004))


def test_given_a_person_typing_when_enter_is_pressed_then_no_scan():
    det = WedgeDetector(WedgeConfig(max_gap_s=0.05, min_length=4))
    last = type_into(det, "180000000011", 5.0, 0.18)
    assert det.feed_enter(last + 0.2) is None


def test_given_a_fast_but_short_burst_when_enter_then_no_scan():
    """Two keys rolled quickly by a person ("12⏎") are not a scan."""
    det = WedgeDetector(WedgeConfig(max_gap_s=0.05, min_length=4))
    last = type_into(det, "123", 1.0, 0.01)
    assert det.feed_enter(last + 0.01) is None


def test_given_a_fast_burst_when_enter_comes_late_then_no_scan():
    det = WedgeDetector(WedgeConfig(max_gap_s=0.05, min_length=4))
    last = type_into(det, "180000000011", 1.0, 0.005)
    assert det.feed_enter(last + 0.3) is None


def test_given_human_keys_then_a_scan_when_enter_then_only_the_burst_is_the_scan():
    det = WedgeDetector(WedgeConfig(max_gap_s=0.05, min_length=8))
    type_into(det, "99", 1.0, 0.25)
    last = type_into(det, "180000000011", 2.0, 0.01)
    scan = det.feed_enter(last + 0.01)
    assert scan is not None and scan.data == "180000000011" and scan.started_at_s == 2.0


def test_given_a_reader_prefix_and_suffix_when_scanned_then_they_are_stripped():
    det = WedgeDetector(WedgeConfig(max_gap_s=0.05, min_length=6, prefix="%", suffix="?"))
    last = type_into(det, "%SP123456?", 0.0, 0.01)
    scan = det.feed_enter(last + 0.01)
    assert scan is not None and scan.data == "SP123456" and scan.raw == "%SP123456?"


def test_given_a_configured_prefix_when_a_burst_lacks_it_then_it_is_not_the_reader():
    det = WedgeDetector(WedgeConfig(max_gap_s=0.05, min_length=6, prefix="%"))
    last = type_into(det, "SP123456", 0.0, 0.01)
    assert det.feed_enter(last + 0.01) is None


def test_given_enter_as_text_when_fed_then_it_ends_the_scan_like_feed_enter():
    det = WedgeDetector(WedgeConfig(max_gap_s=0.05, min_length=4))
    last = type_into(det, "A1B2C3", 0.0, 0.01)
    scan = det.feed("\r", last + 0.01)
    assert scan is not None and scan.data == "A1B2C3"


def test_given_one_event_carrying_several_characters_when_fed_then_all_count():
    det = WedgeDetector(WedgeConfig(max_gap_s=0.05, min_length=4))
    scan = det.feed("12345678\n", 3.0)
    assert scan is not None and scan.data == "12345678" and scan.duration_s == 0.0


def test_given_tab_as_end_key_when_a_burst_ends_with_tab_then_a_scan():
    det = WedgeDetector(WedgeConfig(max_gap_s=0.05, min_length=4, end_keys="\t"))
    last = type_into(det, "MY123456", 0.0, 0.01)
    assert det.feed("\r", last + 0.01) is None          # Enter is an ordinary key here
    det.reset()
    last = type_into(det, "MY123456", 1.0, 0.01)
    scan = det.feed("\t", last + 0.01)
    assert scan is not None and scan.data == "MY123456"


def test_given_a_clock_going_backwards_when_fed_then_the_burst_restarts():
    det = WedgeDetector(WedgeConfig(max_gap_s=0.05, min_length=4))
    type_into(det, "9999", 10.0, 0.01)
    last = type_into(det, "1234", 5.0, 0.01)
    scan = det.feed_enter(last + 0.01)
    assert scan is not None and scan.data == "1234"


def test_given_a_completed_scan_when_a_person_types_next_then_old_keys_are_forgotten():
    det = WedgeDetector(WedgeConfig(max_gap_s=0.05, min_length=4))
    last = type_into(det, "12345678", 0.0, 0.01)
    assert det.feed_enter(last + 0.01) is not None
    assert det.feed_enter(last + 0.02) is None      # a second Enter is an ordinary Enter


def test_given_a_burst_in_progress_when_asked_then_is_scanning_follows_the_gap():
    det = WedgeDetector(WedgeConfig(max_gap_s=0.05))
    last = type_into(det, "123", 0.0, 0.01)
    assert det.is_scanning(last + 0.02) is True
    assert det.is_scanning(last + 0.5) is False


@pytest.mark.parametrize("kwargs, text", [
    ({"max_gap_s": 0}, "キー間隔の上限"),
    ({"max_gap_s": -0.1}, "キー間隔の上限"),
    ({"min_length": 0}, "最小桁数"),
    ({"end_keys": "x"}, "読取り終了キー"),
    ({"end_keys": ""}, "読取り終了キー"),
])
def test_given_a_bad_config_when_created_then_a_japanese_error(kwargs, text):
    with pytest.raises(ValueError, match=text):
        WedgeConfig(**kwargs)


codes = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=8, max_size=24)


@given(data=codes, gaps=st.lists(st.floats(0.0, 0.05), min_size=24, max_size=24))
def test_given_any_burst_within_the_gap_when_enter_then_the_scan_is_exactly_the_data(data, gaps):
    det = WedgeDetector(WedgeConfig(max_gap_s=0.05, min_length=8))
    t = 0.0
    for ch, gap in zip(data, gaps):
        t += gap
        det.feed(ch, t)
    scan = det.feed_enter(t + gaps[-1])
    assert scan is not None and scan.data == data


@given(data=codes, cut=st.integers(1, 23), pause=st.floats(0.051, 5.0))
def test_given_one_long_pause_when_enter_then_only_the_keys_after_it_can_be_a_scan(data, cut,
                                                                                   pause):
    det = WedgeDetector(WedgeConfig(max_gap_s=0.05, min_length=8))
    cut = min(cut, len(data) - 1)
    t = type_into(det, data[:cut], 0.0, 0.01)
    t = type_into(det, data[cut:], t + pause, 0.01)
    scan = det.feed_enter(t + 0.01)
    tail = data[cut:]
    assert (scan.data if scan else None) == (tail if len(tail) >= 8 else None)
