"""GIVEN reader specs and the in-process virtual reader WHEN cards come and go
THEN status, connect and wait_for_change behave like a real slot."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from drivers.card import (
    CardReader,
    InvalidInput,
    MyNumberCard,
    NoCard,
    ReaderStatus,
    open_reader,
)
from drivers.card.pcsc import PcscReader
from drivers.card.virtual.reader import VirtualReader

from .card_data import CardFactory


def test_given_virtual_spec_when_opened_then_card_present(card_file: Path) -> None:
    reader = open_reader(f"virtual:{card_file}")
    assert isinstance(reader, CardReader) and reader.status() is ReaderStatus.CARD_PRESENT
    with reader.connect() as conn:
        assert conn.atr == bytes.fromhex("3BE000FF8131FE4514")


def test_given_empty_virtual_spec_when_connecting_then_no_card_in_japanese() -> None:
    reader = open_reader("virtual:")
    assert reader.status() is ReaderStatus.NO_CARD
    with pytest.raises(NoCard) as err:
        reader.connect()
    assert "カードがセットされていません" in err.value.message


@pytest.mark.parametrize("spec", ["", "usb:0", "virtual:x.json?delay_ms=abc",
                                  "virtual:?delay_ms=-1"])
def test_given_bad_spec_when_opened_then_invalid_input(spec: str) -> None:
    with pytest.raises(InvalidInput) as err:
        open_reader(spec)
    assert "カードリーダーの指定が正しくありません" in err.value.message


def test_given_pcsc_specs_when_opened_then_pcsc_reader_with_name() -> None:
    assert isinstance(open_reader("pcsc"), PcscReader)
    named = open_reader("pcsc:SONY FeliCa Port/PaSoRi 4.0")
    assert isinstance(named, PcscReader) and named.wanted == "SONY FeliCa Port/PaSoRi 4.0"


def test_given_empty_reader_when_card_inserted_from_another_thread_then_wait_wakes(
        card_file: Path) -> None:
    reader = VirtualReader()
    started = threading.Event()
    result: list[ReaderStatus] = []

    def waiter() -> None:
        started.set()
        result.append(reader.wait_for_change(10))

    thread = threading.Thread(target=waiter)
    thread.start()
    started.wait(5)
    reader.insert(card_file)
    thread.join(10)
    assert result == [ReaderStatus.CARD_PRESENT]
    reader.remove()
    assert reader.status() is ReaderStatus.NO_CARD


def test_given_no_change_when_waiting_then_times_out_with_current_state(
        reader: VirtualReader) -> None:
    t0 = time.monotonic()
    assert reader.wait_for_change(0.05) is ReaderStatus.CARD_PRESENT
    assert time.monotonic() - t0 >= 0.05


def test_given_card_swapped_when_old_connection_used_then_card_removed(
        reader: VirtualReader, make_card: CardFactory) -> None:
    conn = reader.connect()
    reader.insert(make_card("minor"))
    with pytest.raises(Exception) as err:
        MyNumberCard(conn).read_auth_certificate()
    assert type(err.value).__name__ == "CardRemoved"
    with reader.connect() as fresh:
        assert MyNumberCard(fresh).read_auth_certificate().serial != 0x1A2B3C


def test_given_delay_when_reading_then_each_apdu_takes_the_card_time(card_file: Path) -> None:
    reader = open_reader(f"virtual:{card_file}?delay_ms=5")
    t0 = time.perf_counter()
    with reader.connect() as conn:
        card = MyNumberCard(conn)
        card.read_auth_certificate()
    assert time.perf_counter() - t0 >= 0.005 * card.apdu_count


def test_given_malformed_card_file_when_inserted_then_japanese_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something-else"}', encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        VirtualReader(bad)
    assert "仮想カードファイルを読み込めません" in err.value.message


def test_given_pyscard_missing_when_pcsc_used_then_no_service_not_a_crash(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from drivers.card import ReaderUnavailable, pcsc
    monkeypatch.setattr(pcsc, "scard", None)
    reader = pcsc.PcscReader()
    assert reader.status() is ReaderStatus.NO_SERVICE
    assert reader.wait_for_change(0) is ReaderStatus.NO_SERVICE
    with pytest.raises(ReaderUnavailable) as err:
        reader.connect()
    assert "サービスが利用できません" in err.value.message


def test_given_monitor_when_card_inserted_and_removed_then_callback_gets_each_state(
        card_file: Path) -> None:
    from queue import Queue

    from drivers.card import CardMonitor
    reader = VirtualReader()
    seen: Queue[ReaderStatus] = Queue()
    monitor = CardMonitor(reader, seen.put)
    monitor.start()
    try:
        assert seen.get(timeout=5) is ReaderStatus.NO_CARD
        reader.insert(card_file)
        assert seen.get(timeout=5) is ReaderStatus.CARD_PRESENT
        reader.remove()
        assert seen.get(timeout=5) is ReaderStatus.NO_CARD
    finally:
        monitor.stop()
    assert seen.empty()
