"""Loopback ESC/POS printer emulator: a small TCP server that prints to PNG files.

It parses what it receives (kanji-mode cp932 text, sizes, GS v 0 raster, GS ( k QR, GS k
barcodes, GS V cut), writes one PNG (and .txt) per cut into `out_dir`, answers DLE EOT
real-time status, and can simulate paper out or an open cover. Tests assert on
`.papers`; the demo mode of the app shows the PNGs.

    mykey-printer-emulator --port 9100 --out papers/ [--paper-out] [--width 576]
"""
from __future__ import annotations

import argparse
import logging
import signal
import socket
import socketserver
import tempfile
import threading
from pathlib import Path
from types import TracebackType
from typing import Self

from drivers.printer import status as st
from drivers.printer.emulator.paper import Paper, PaperBuilder
from drivers.printer.emulator.parser import EscPosParser

log = logging.getLogger(__name__)


class _ConnectionPaper(PaperBuilder):
    """A PaperBuilder that hands each cut paper to the emulator."""

    def __init__(self, emulator: PrinterEmulator) -> None:
        super().__init__(emulator.width_dots)
        self.emulator = emulator

    def cut(self, raw: bytes) -> None:
        self.emulator._finish(self, raw)


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        emulator = self.server.emulator
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sink = _ConnectionPaper(emulator)
        parser = EscPosParser(sink, emulator.status_byte, self.request.sendall)
        emulator._track(self.request, True)
        try:
            while chunk := self._recv():
                parser.feed(chunk)
        finally:
            emulator._track(self.request, False)
            if not sink.empty:
                emulator._finish(sink, parser.take_raw())

    def _recv(self) -> bytes:
        try:
            return bytes(self.request.recv(65536))
        except OSError:
            return b""


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = False  # server_close() joins the connection threads
    block_on_close = True

    def __init__(self, address: tuple[str, int], emulator: PrinterEmulator) -> None:
        self.emulator = emulator
        super().__init__(address, _Handler)


class PrinterEmulator:
    """An ESC/POS printer on 127.0.0.1:`port` (0 = any free port, see `.port`)."""

    def __init__(self, port: int = 0, out_dir: Path | str | None = None,
                 width_dots: int = 576, host: str = "127.0.0.1") -> None:
        self.host, self.requested_port, self.width_dots = host, port, width_dots
        self.out_dir = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="mykey-paper-"))
        self.papers: list[Paper] = []
        self.discarded = 0
        self._paper_out = False
        self._cover_open = False
        self._cond = threading.Condition()
        self._clients: set[socket.socket] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The bound TCP port (after start())."""
        assert self._server is not None, "start() first"
        return int(self._server.server_address[1])

    @property
    def target(self) -> str:
        """The `kind:path` string for this emulator."""
        return f"escpos-net:{self.host}:{self.port}"

    def start(self) -> PrinterEmulator:
        """Bind and serve in a background thread."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._server = _Server((self.host, self.requested_port), self)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name="printer-emulator", daemon=True)
        self._thread.start()
        log.info("printer emulator on %s:%d, papers in %s", self.host, self.port, self.out_dir)
        return self

    def stop(self) -> None:
        """Stop serving, drop open connections and join the server thread."""
        if self._server is None:
            return
        self._server.shutdown()
        self.drop_connections()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def drop_connections(self) -> None:
        """Close every client connection, as a printer does on power cycle or idle timeout."""
        with self._cond:
            clients = list(self._clients)
        for client in clients:
            try:
                client.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def set_paper_out(self, out: bool) -> None:
        """Simulate an empty roll: status says paper end, print data is discarded."""
        self._paper_out = out

    def set_cover_open(self, is_open: bool) -> None:
        """Simulate an open cover (offline, cause: cover open)."""
        self._cover_open = is_open

    def status_byte(self, n: int) -> bytes:
        """The DLE EOT n reply for the current simulated state."""
        offline = self._paper_out or self._cover_open
        value = st.FIXED_BITS
        if n == 1 and offline:
            value |= st.OFFLINE
        elif n == 2:
            value |= (st.COVER_OPEN if self._cover_open else 0)
            value |= (st.STOPPED_PAPER_END if self._paper_out else 0)
        elif n == 4 and self._paper_out:
            value |= st.PAPER_END | st.PAPER_NEAR_END
        return bytes([value])

    def wait_for_papers(self, count: int, timeout_s: float = 10.0) -> list[Paper]:
        """Block until at least `count` papers exist (or timeout); returns the papers."""
        with self._cond:
            self._cond.wait_for(lambda: len(self.papers) >= count, timeout_s)
            return list(self.papers)

    def _track(self, client: socket.socket, active: bool) -> None:
        with self._cond:
            (self._clients.add if active else self._clients.discard)(client)

    def _finish(self, sink: PaperBuilder, raw: bytes) -> None:
        with self._cond:
            if self._paper_out or self._cover_open:
                self.discarded += 1
                sink.discard()
                log.warning("emulator: paper out/cover open, print data discarded")
                return
            png = self.out_dir / f"paper-{len(self.papers) + 1:04d}.png"
            paper = sink.finish(png, raw)
            png.with_suffix(".txt").write_text(paper.text, encoding="utf-8")
            self.papers.append(paper)
            self._cond.notify_all()
        log.info("emulator: printed %s", png.name)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="ESC/POS プリンターエミュレーター（PNG出力）")
    parser.add_argument("--port", type=int, default=9100, help="TCP port (0 = any free port)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--out", type=Path, default=Path("printed"), help="PNG output folder")
    parser.add_argument("--width", type=int, default=576, help="paper width in dots")
    parser.add_argument("--paper-out", action="store_true", help="simulate an empty roll")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point `mykey-printer-emulator`: serve until Ctrl+C or SIGTERM."""
    args = _arguments(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    emulator = PrinterEmulator(args.port, args.out, args.width, args.host)
    emulator.set_paper_out(args.paper_out)
    emulator.start()
    print(f"listening {emulator.target} -> {emulator.out_dir}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
