"""GIVEN a printer that reports trouble through DLE EOT WHEN printing THEN the clerk gets a
PrinterError subclass with a Japanese message and nothing is printed."""
from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from drivers.printer import (
    CoverOpenError,
    EscPosRenderer,
    PaperOutError,
    Printer,
    PrinterConnectionError,
    PrinterError,
    receipt_point_use,
)
from drivers.printer.status import PrinterStatus, raise_for_status
from drivers.printer.transports import parse_target
from tests.drivers.printer.factories import point_use


def test_paper_out_raises_japanese_error_and_prints_nothing(emulator_for, kanji) -> None:
    emu = emulator_for(kanji)
    emu.set_paper_out(True)
    printer = Printer(kanji, parse_target(emu.target))
    with pytest.raises(PaperOutError) as info:
        printer.print_document(receipt_point_use(point_use()))
    assert info.value.user_message == "用紙がありません。ロール紙を補充してください。"
    assert printer.status() == PrinterStatus(online=False, paper_out=True, paper_near_end=True)
    assert emu.papers == [] and emu.discarded == 0
    emu.set_paper_out(False)
    printer.print_document(receipt_point_use(point_use()))
    printer.close()
    assert len(emu.wait_for_papers(1)) == 1


def test_emulator_without_paper_prints_nothing_it_is_sent(emulator_for, kanji) -> None:
    """GIVEN paper out WHEN a client sends a job without asking status first THEN no paper."""
    emu = emulator_for(kanji)
    emu.set_paper_out(True)
    job = EscPosRenderer(kanji).render(receipt_point_use(point_use()))
    with socket.create_connection(("127.0.0.1", emu.port), timeout=5) as conn:
        conn.sendall(job + b"\x10\x04\x04")
        assert conn.recv(1) == b"\x7e"  # fixed 0x12 + paper near end 0x0c + paper end 0x60
    assert emu.papers == [] and emu.discarded == 1


def test_cover_open_raises_its_own_message(emulator_for, kanji) -> None:
    emu = emulator_for(kanji)
    emu.set_cover_open(True)
    printer = Printer(kanji, parse_target(emu.target))
    with pytest.raises(CoverOpenError, match="カバーが開いています"):
        printer.print_document(receipt_point_use(point_use()))
    printer.close()


def test_status_of_a_ready_printer_is_ok(emulator_for, kanji) -> None:
    emu = emulator_for(kanji)
    printer = Printer(kanji, parse_target(emu.target))
    status = printer.status()
    printer.close()
    assert status is not None and status.ok


def test_unreachable_printer_gives_connection_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    printer = Printer.from_config(f"escpos-net:127.0.0.1:{port}", "tm-t88-kanji")
    with pytest.raises(PrinterConnectionError, match="接続できません"):
        printer.print_document(receipt_point_use(point_use()))


@pytest.fixture
def mute_printer() -> Iterator[int]:
    """A TCP peer that accepts and swallows bytes but never answers a status request."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    thread = threading.Thread(target=lambda: accepted.append(server.accept()[0]), daemon=True)
    thread.start()
    yield server.getsockname()[1]
    thread.join(timeout=5)
    for conn in accepted:
        conn.close()
    server.close()


def test_printer_that_never_answers_status_is_reported(mute_printer, kanji) -> None:
    printer = Printer(kanji, parse_target(f"escpos-net:127.0.0.1:{mute_printer}"),
                      status_timeout_s=0.2)
    with pytest.raises(PrinterError, match="状態の応答がありません"):
        printer.print_document(receipt_point_use(point_use()))
    printer.close()


@pytest.mark.parametrize(("status", "error"), [
    (PrinterStatus(online=False, cover_open=True, paper_out=True), CoverOpenError),
    (PrinterStatus(online=True, paper_out=True), PaperOutError),
    (PrinterStatus(online=False, error=True), PrinterError),
])
def test_status_maps_to_the_most_specific_error(status, error) -> None:
    with pytest.raises(error):
        raise_for_status(status)


def test_near_end_alone_still_prints() -> None:
    raise_for_status(PrinterStatus(online=True, paper_near_end=True))


def test_printer_reconnects_after_the_printer_dropped_the_link(emulator_for, kanji) -> None:
    """GIVEN a printer that closed our idle connection WHEN the next job comes THEN it is
    printed over a fresh connection."""
    emu = emulator_for(kanji)
    printer = Printer(kanji, parse_target(emu.target))
    printer.print_document(receipt_point_use(point_use()))
    emu.drop_connections()
    printer.print_document(receipt_point_use(point_use()))
    printer.close()
    assert len(emu.wait_for_papers(2)) == 2


def test_two_threads_printing_get_two_whole_papers(emulator_for, kanji) -> None:
    """GIVEN one Printer shared by two threads WHEN both print THEN jobs do not interleave."""
    emu = emulator_for(kanji)
    printer = Printer(kanji, parse_target(emu.target))
    errors: list[BaseException] = []

    def job() -> None:
        try:
            printer.print_document(receipt_point_use(point_use()))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=job) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    printer.close()
    papers = emu.wait_for_papers(2)
    assert errors == [] and len(papers) == 2
    assert papers[0].text == papers[1].text and "ポイント残高" in papers[0].text
