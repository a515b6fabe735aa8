"""GIVEN `kind:path` printer targets WHEN opened THEN each transport moves the bytes (or is
switched off with a clear Japanese reason where its platform/library is missing)."""
from __future__ import annotations

import os
import select
import sys
import threading
import tty

import pytest

from drivers.printer import (
    Printer,
    PrinterConfigError,
    PrinterConnectionError,
    PrinterUnavailableError,
    receipt_merge,
)
from drivers.printer.transports import open_transport, parse_target
from drivers.printer.transports.file import FileTransport
from drivers.printer.transports.net import NetworkTransport
from drivers.printer.transports.serial import SerialTransport
from drivers.printer.transports.usb import UsbTransport
from drivers.printer.transports.win32 import Win32Transport
from tests.drivers.printer.factories import merge


@pytest.mark.parametrize(("target", "kind", "attrs"), [
    ("escpos-net:127.0.0.1:9100", NetworkTransport, {"host": "127.0.0.1", "port": 9100}),
    ("escpos-net:[::1]:9100", NetworkTransport, {"host": "::1"}),
    ("usb:04b8:0202", UsbTransport, {"vid": 0x04B8, "pid": 0x0202}),
    ("serial:/dev/ttyUSB0", SerialTransport, {"device": "/dev/ttyUSB0", "baudrate": 38400}),
    ("serial:COM3@9600", SerialTransport, {"device": "COM3", "baudrate": 9600}),
    ("file:out.bin", FileTransport, {}),
    ("win32:EPSON TM-T88V Receipt", Win32Transport, {"printer_name": "EPSON TM-T88V Receipt"}),
])
def test_targets_parse_to_their_transport(target, kind, attrs) -> None:  # type: ignore[no-untyped-def]
    transport = parse_target(target)
    assert isinstance(transport, kind)
    for name, value in attrs.items():
        assert getattr(transport, name) == value


def test_no_printer_configured_is_a_normal_clear_state() -> None:
    with pytest.raises(PrinterConfigError, match="プリンターが設定されていません"):
        parse_target("")


@pytest.mark.parametrize("target", ["escpos-net:host", "escpos-net:h:99999", "usb:zz:01",
                                    "serial:", "printer", "lpt:1", ":x"])
def test_malformed_targets_are_refused_in_japanese(target) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PrinterConfigError) as info:
        parse_target(target)
    assert "プリンター" in info.value.user_message


def test_file_transport_appends_the_rendered_bytes(tmp_path, kanji) -> None:
    out = tmp_path / "spool.bin"
    printer = Printer(kanji, parse_target(f"file:{out}"))
    printer.print_document(receipt_merge(merge()))
    printer.close()
    data = out.read_bytes()
    assert data.startswith(b"\x1b@") and "A商店街".encode("cp932") in data
    assert data.endswith(b"\x1dVB\x00") and b"\x10\x04" not in data  # no status on a file


@pytest.mark.skipif(sys.platform == "win32", reason="checks the non-Windows switch-off")
def test_win32_spooler_switches_off_cleanly_elsewhere() -> None:
    with pytest.raises(PrinterUnavailableError, match="Windowsでのみ"):
        open_transport("win32:EPSON TM-T88V Receipt")


def test_usb_without_pyusb_is_unavailable_not_a_crash(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "usb", None)
    monkeypatch.setitem(sys.modules, "usb.core", None)
    with pytest.raises(PrinterUnavailableError, match="pyusb"):
        open_transport("usb:04b8:0202")


def test_usb_printer_that_is_not_plugged_in_is_reported_by_ids() -> None:
    """GIVEN pyusb + libusb and no such device on the bus WHEN opened THEN a clear message."""
    pytest.importorskip("usb.core")
    with pytest.raises((PrinterConnectionError, PrinterUnavailableError),
                       match="USBプリンター（ffff:fff0）が見つかりません|libusb"):
        open_transport("usb:ffff:fff0")


def _answer_status(master: int) -> bytes:
    """Act as the printer on the pty: answer each DLE EOT n with 'online, paper ok'."""
    got = bytearray()
    while select.select([master], [], [], 2.0)[0]:
        chunk = os.read(master, 65536)
        got += chunk
        for _ in range(chunk.count(b"\x10\x04")):
            os.write(master, b"\x12")
        if got.endswith(b"\x1dVB\x00\x10\x04\x01\x10\x04\x04"):
            break
    return bytes(got)


def test_serial_transport_over_a_pty_sends_and_reads_status(kanji) -> None:
    """GIVEN a pseudo-terminal acting as the printer WHEN printing THEN the bytes arrive and
    the DLE EOT replies travel back through pyserial."""
    master, slave = os.openpty()
    tty.setraw(slave)
    try:
        # a pty has no RTS/CTS lines, so hardware handshake is off for this test
        printer = Printer(kanji, SerialTransport(os.ttyname(slave), timeout_s=2.0, rtscts=False))
        result: list[bytes] = []
        peer = threading.Thread(target=lambda: result.append(_answer_status(master)))
        peer.start()
        printer.print_document(receipt_merge(merge()))
        printer.close()
        peer.join(timeout=5)
    finally:
        os.close(master)
        os.close(slave)
    assert "合算先商店街名".encode("cp932") in result[0]
