"""Streaming ESC/POS parser for the loopback printer emulator.

Feeds arbitrary chunks (commands may be split across TCP reads), decodes text the way a
Japanese-model printer does (Shift_JIS in kanji mode, code page otherwise) and calls a
`Sink` for every effect. DLE EOT requests are answered through the sink at once.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from PIL import Image

log = logging.getLogger(__name__)

BARCODE_BY_M = {2: "ean13", 4: "code39", 6: "nw7", 67: "ean13", 69: "code39", 71: "nw7",
                73: "code128"}


class Sink(Protocol):
    """What the parsed stream does to the paper (implemented by emulator_paper.PaperBuilder)."""

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

    def __init__(self, sink: Sink, reply: Callable[[int], bytes], send: Callable[[bytes], None]):
        self.sink, self.reply, self.send = sink, reply, send
        self.buf = bytearray()
        self.raw = bytearray()
        self._cut_pending = False
        self.kanji = False
        self.code_table = 0
        self.qr_module = 3
        self.qr_data = b""

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
        if byte == 0x1B:
            return self._esc(pos)
        if byte == 0x1D:
            return self._gs(pos)
        if byte == 0x1C:
            return self._fs(pos)
        if byte == 0x10:
            return self._dle(pos)
        if byte == 0x0A:
            self.sink.newline()
            return 1
        if byte in (0x0D, 0x00):
            return 1
        if byte == 0x09:
            self.sink.text("    ")
            return 1
        return self._text(pos)

    def _text(self, pos: int) -> int:
        end = pos
        while end < len(self.buf) and self.buf[end] >= 0x20 and self.buf[end] != 0x7F:
            if self.kanji and (0x81 <= self.buf[end] <= 0x9F or 0xE0 <= self.buf[end] <= 0xFC):
                if end + 1 >= len(self.buf):
                    break
                end += 2
            else:
                end += 1
        if end == pos:
            if self.buf[pos] >= 0x20:
                raise Incomplete
            self.sink.unknown(bytes([self.buf[pos]]))
            return 1
        self.sink.text(self._decode(bytes(self.buf[pos:end])))
        return end - pos

    def _decode(self, raw: bytes) -> str:
        if self.kanji or self.code_table == 1:
            return raw.decode("cp932", errors="replace")
        return raw.decode("cp437", errors="replace")

    def _esc(self, pos: int) -> int:
        op = self._need(pos, 2)[1:2]
        if op == b"@":
            self.kanji, self.code_table = False, 0
            self.sink.reset()
            return 2
        if op == b"2":
            return 2
        arg = self._need(pos, 3)[2]
        if op == b"!":
            self.sink.style(bold=bool(arg & 0x08), height=2 if arg & 0x10 else 1,
                            width=2 if arg & 0x20 else 1)
        elif op in (b"E", b"G"):
            self.sink.style(bold=bool(arg & 1))
        elif op == b"a":
            self.sink.style(align={0: "left", 1: "center", 2: "right"}.get(arg % 48, "left"))
        elif op == b"d":
            self.sink.newline()
            self.sink.feed_dots(30 * arg)
        elif op == b"J":
            self.sink.newline()
            self.sink.feed_dots(arg)
        elif op == b"t":
            self.code_table = arg
        elif op == b"p":
            return len(self._need(pos, 5))
        elif op not in (b"3", b"-", b"M", b"{", b"V", b"R"):
            self.sink.unknown(self._need(pos, 2))
            return 2
        return 3

    def _gs(self, pos: int) -> int:
        op = self._need(pos, 2)[1:2]
        if op == b"v":
            return self._raster(pos)
        if op == b"(":
            return self._gs_paren(pos)
        if op == b"k":
            return self._barcode(pos)
        if op == b"V":
            return self._cut(pos)
        if op in (b"L", b"W"):
            return len(self._need(pos, 4))
        arg = self._need(pos, 3)[2]
        if op == b"!":
            self.sink.style(width=(arg >> 4) + 1, height=(arg & 0x0F) + 1)
        elif op == b"h":
            self.sink.style(barcode_height=arg)
        elif op == b"w":
            self.sink.style(barcode_module=arg)
        elif op == b"H":
            self.sink.style(hri=arg % 48 in (2, 3))
        elif op == b"r":
            self.send(self.reply(4 if arg % 48 == 1 else 1))
        elif op not in (b"f", b"B", b"a", b"b"):
            self.sink.unknown(self._need(pos, 2))
            return 2
        return 3

    def _fs(self, pos: int) -> int:
        op = self._need(pos, 2)[1:2]
        if op == b"&":
            self.kanji = True
            return 2
        if op == b".":
            self.kanji = False
            return 2
        if op == b"S":
            return len(self._need(pos, 4))
        if op in (b"C", b"!", b"W", b"-"):
            return len(self._need(pos, 3))
        self.sink.unknown(self._need(pos, 2))
        return 2

    def _dle(self, pos: int) -> int:
        head = self._need(pos, 3)
        if head[1] == 0x04:
            self.send(self.reply(head[2]))
            return 3
        if head[1] == 0x05:
            return 3
        self.sink.unknown(head[:2])
        return 2

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
        elif head[2:3] != b"k" or body[:1] != b"0":
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
        symbology = BARCODE_BY_M.get(m)
        text = data.decode("ascii", errors="replace")
        if symbology == "code128" and text[:1] == "{":
            text = text[2:]
        if symbology:
            self.sink.barcode(symbology, text)
        else:
            self.sink.unknown(bytes([0x1D, 0x6B, m]))
        return used

    def _cut(self, pos: int) -> int:
        m = self._need(pos, 3)[2]
        used = 4 if m in (65, 66, 97, 98, 103, 104) else 3
        self._need(pos, used)
        self._cut_pending = True
        return used
