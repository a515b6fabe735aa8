"""Streaming ESC/POS parser for the loopback printer emulator.

Feeds arbitrary chunks (commands may be split across TCP reads), decodes text the way a
Japanese-model printer does (Shift_JIS in kanji mode, code page otherwise) and calls a
`Sink` for every effect. DLE EOT requests are answered through `send` at once.
Fixed-length commands are described by tables (command byte → argument count, handler);
the variable-length ones (GS v 0, GS ( k, GS k, GS V) have their own readers.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from PIL import Image

log = logging.getLogger(__name__)

BARCODE_BY_M = {2: "ean13", 4: "code39", 6: "nw7", 67: "ean13", 69: "code39", 71: "nw7",
                73: "code128"}
ALIGN_BY_N = {0: "left", 1: "center", 2: "right"}
Handler = Callable[["EscPosParser", bytes], None] | None


def decode_code128(data: str) -> str:
    """GS k CODE128 data → the text: "{A"/"{B" select sets, "{C" digit pairs, "{{" is "{"."""
    out, code_c, i = [], False, 0
    while i < len(data):
        if data[i] == "{" and i + 1 < len(data):
            if data[i + 1] == "{":
                out.append("{")
            code_c = data[i + 1] == "C" if data[i + 1] in "ABC" else code_c
            i += 2
            continue
        out.append(f"{ord(data[i]):02d}" if code_c else data[i])
        i += 1
    return "".join(out)


class Sink(Protocol):
    """What the parsed stream does to the paper (implemented by paper.PaperBuilder)."""

    def text(self, text: str) -> None: ...
    def newline(self) -> None: ...
    def feed_dots(self, dots: int) -> None: ...
    def style(self, **changes: object) -> None: ...
    def reset(self) -> None: ...
    def raster(self, image: Image.Image) -> None: ...
    def qr(self, data: bytes, module_dots: int) -> None: ...
    def barcode(self, symbology: str, data: str) -> None: ...
    def cut(self, raw: bytes) -> None: ...
    def unknown(self, command: bytes) -> None: ...


class Incomplete(Exception):
    """The buffer ends inside a command: wait for more bytes."""


class EscPosParser:
    """Turns a byte stream into Sink calls; `reply(n)` gives the DLE EOT n answer byte."""

    def __init__(self, sink: Sink, reply: Callable[[int], bytes],
                 send: Callable[[bytes], None]) -> None:
        self.sink, self.reply, self.send = sink, reply, send
        self.buf = bytearray()
        self.raw = bytearray()
        self.kanji = False
        self.code_table = 0
        self.qr_module = 3
        self.qr_data = b""
        self._cut_pending = False

    def take_raw(self) -> bytes:
        """The bytes consumed since the last cut (for a paper ended without a cut)."""
        raw = bytes(self.raw)
        self.raw.clear()
        return raw

    def feed(self, data: bytes) -> None:
        """Parse as much of the buffered stream as is complete."""
        self.buf += data
        pos = 0
        while pos < len(self.buf):
            try:
                used = self._one(pos)
            except Incomplete:
                break
            self.raw += self.buf[pos:pos + used]
            pos += used
            if self._cut_pending:
                self._cut_pending = False
                self.sink.cut(bytes(self.raw))
                self.raw.clear()
        del self.buf[:pos]

    def _need(self, pos: int, count: int) -> bytes:
        if pos + count > len(self.buf):
            raise Incomplete
        return bytes(self.buf[pos:pos + count])

    def _one(self, pos: int) -> int:
        byte = self.buf[pos]
        if byte in _PREFIXED:
            return self._prefixed(pos, byte)
        if byte == 0x0A:
            self.sink.newline()
        elif byte == 0x09:
            self.sink.text("    ")
        elif byte >= 0x20 and byte != 0x7F:
            return self._text(pos)
        elif byte not in (0x0D, 0x00):
            self.sink.unknown(bytes([byte]))
        return 1

    def _prefixed(self, pos: int, prefix: int) -> int:
        op = self._need(pos, 2)[1]
        reader = _VARIABLE.get((prefix, op))
        if reader:
            return reader(self, pos)
        entry = _FIXED[prefix].get(op)
        if entry is None:
            self.sink.unknown(bytes([prefix, op]))
            return 2
        count, handler = entry
        args = self._need(pos + 2, count)
        if handler:
            handler(self, args)
        return 2 + count

    def _text(self, pos: int) -> int:
        end = pos
        while end < len(self.buf) and 0x20 <= self.buf[end] != 0x7F:
            lead = 0x81 <= self.buf[end] <= 0x9F or 0xE0 <= self.buf[end] <= 0xFC
            step = 2 if self.kanji and lead else 1
            if end + step > len(self.buf):
                break
            end += step
        if end == pos:
            raise Incomplete
        raw = bytes(self.buf[pos:end])
        cp932 = self.kanji or self.code_table == 1
        self.sink.text(raw.decode("cp932" if cp932 else "cp437", errors="replace"))
        return end - pos

    # --- variable-length commands --------------------------------------------------------
    def _raster(self, pos: int) -> int:
        head = self._need(pos, 8)
        if head[2:3] != b"0":
            self.sink.unknown(head[:3])
            return 3
        width_bytes, rows = head[4] | head[5] << 8, head[6] | head[7] << 8
        data = self._need(pos + 8, width_bytes * rows)
        image = Image.frombytes("1", (width_bytes * 8, rows), bytes(b ^ 0xFF for b in data))
        self.sink.raster(image)
        return 8 + width_bytes * rows

    def _gs_paren(self, pos: int) -> int:
        head = self._need(pos, 5)
        length = head[3] | head[4] << 8
        body = self._need(pos + 5, length)
        if head[2:3] == b"k" and length >= 2 and body[0] == 49:
            self._qr_function(body[1], body[2:])
        else:
            self.sink.unknown(head[:3])
        return 5 + length

    def _qr_function(self, fn: int, args: bytes) -> None:
        if fn == 67 and args:
            self.qr_module = args[0]
        elif fn == 80:
            self.qr_data = args[1:]
        elif fn == 81:
            self.sink.qr(self.qr_data, self.qr_module)

    def _barcode(self, pos: int) -> int:
        m = self._need(pos, 3)[2]
        if m >= 65:
            n = self._need(pos, 4)[3]
            data, used = self._need(pos + 4, n), 4 + n
        else:
            end = self.buf.find(b"\x00", pos + 3)
            if end < 0:
                raise Incomplete
            data, used = bytes(self.buf[pos + 3:end]), end + 1 - pos
        self._emit_barcode(m, data.decode("ascii", errors="replace"))
        return used

    def _emit_barcode(self, m: int, text: str) -> None:
        symbology = BARCODE_BY_M.get(m)
        if symbology is None:
            self.sink.unknown(bytes([0x1D, 0x6B, m]))
            return
        self.sink.barcode(symbology, decode_code128(text) if symbology == "code128" else text)

    def _cut(self, pos: int) -> int:
        m = self._need(pos, 3)[2]
        used = 4 if m in (65, 66, 97, 98, 103, 104) else 3
        self._need(pos, used)
        self._cut_pending = True
        return used

    # --- fixed-length command handlers ---------------------------------------------------
    def _init(self, _: bytes) -> None:
        self.kanji, self.code_table = False, 0
        self.sink.reset()

    def _print_mode(self, a: bytes) -> None:
        self.sink.style(bold=bool(a[0] & 0x08), height=2 if a[0] & 0x10 else 1,
                        width=2 if a[0] & 0x20 else 1)

    def _feed_lines(self, a: bytes) -> None:
        self.sink.newline()
        self.sink.feed_dots(30 * a[0])

    def _feed_dots(self, a: bytes) -> None:
        self.sink.newline()
        self.sink.feed_dots(a[0])

    def _code_table_set(self, a: bytes) -> None:
        self.code_table = a[0]

    def _kanji(self, on: bool) -> None:
        self.kanji = on

    def _status(self, a: bytes) -> None:
        self.send(self.reply(a[0]))


_FIXED: dict[int, dict[int, tuple[int, Handler]]] = {
    0x1B: {  # ESC
        ord("@"): (0, EscPosParser._init), ord("2"): (0, None), ord("3"): (1, None),
        ord("!"): (1, EscPosParser._print_mode),
        ord("E"): (1, lambda p, a: p.sink.style(bold=bool(a[0] & 1))),
        ord("G"): (1, lambda p, a: p.sink.style(bold=bool(a[0] & 1))),
        ord("a"): (1, lambda p, a: p.sink.style(align=ALIGN_BY_N.get(a[0] % 48, "left"))),
        ord("d"): (1, EscPosParser._feed_lines), ord("J"): (1, EscPosParser._feed_dots),
        ord("t"): (1, EscPosParser._code_table_set), ord("p"): (3, None),
        ord("-"): (1, None), ord("M"): (1, None), ord("{"): (1, None), ord("V"): (1, None),
        ord("R"): (1, None),
    },
    0x1D: {  # GS
        ord("!"): (1, lambda p, a: p.sink.style(width=(a[0] >> 4) + 1, height=(a[0] & 15) + 1)),
        ord("h"): (1, lambda p, a: p.sink.style(barcode_height=a[0])),
        ord("w"): (1, lambda p, a: p.sink.style(barcode_module=a[0])),
        ord("H"): (1, lambda p, a: p.sink.style(hri=a[0] % 48 in (2, 3))),
        ord("r"): (1, lambda p, a: p.send(p.reply(4 if a[0] % 48 == 1 else 1))),
        ord("f"): (1, None), ord("B"): (1, None), ord("a"): (1, None), ord("b"): (1, None),
        ord("L"): (2, None), ord("W"): (2, None),
    },
    0x1C: {  # FS
        ord("&"): (0, lambda p, a: p._kanji(True)), ord("."): (0, lambda p, a: p._kanji(False)),
        ord("C"): (1, None), ord("!"): (1, None), ord("W"): (1, None), ord("-"): (1, None),
        ord("S"): (2, None),
    },
    0x10: {0x04: (1, EscPosParser._status), 0x05: (1, None)},  # DLE EOT n, DLE ENQ n
}
_PREFIXED = frozenset(_FIXED)
_VARIABLE: dict[tuple[int, int], Callable[[EscPosParser, int], int]] = {
    (0x1D, ord("v")): EscPosParser._raster, (0x1D, ord("(")): EscPosParser._gs_paren,
    (0x1D, ord("k")): EscPosParser._barcode, (0x1D, ord("V")): EscPosParser._cut,
}
