"""Document → ESC/POS bytes, choosing per profile between kanji mode and raster.

Kanji printers get Japanese text as Shift_JIS in kanji mode (FS C 1, FS &, cp932, FS .);
others get text drawn with IPA Gothic and sent as GS v 0 raster bands. QR codes and barcodes
use GS ( k / GS k where the profile says the model has them, else raster too.
"""
from __future__ import annotations

import logging

from drivers import barcode as barcodes
from drivers.printer import commands as cmd
from drivers.printer.document import QR, Barcode, Block, Cut, Document, Feed, Rule, Text, wrap
from drivers.printer.errors import PrintDataError
from drivers.printer.messages import message
from drivers.printer.profile import PrinterProfile
from drivers.printer.raster import ImageRenderer

log = logging.getLogger(__name__)


def encode_cp932(text: str) -> bytes:
    """Shift_JIS (Windows-31J) bytes; PrintDataError naming the first unprintable character."""
    try:
        return text.encode("cp932")
    except UnicodeEncodeError as exc:
        raise PrintDataError(message("unprintable_char", char=text[exc.start])) from exc


class EscPosRenderer:
    """Renders Documents to the byte stream for one printer profile."""

    def __init__(self, profile: PrinterProfile) -> None:
        self.profile = profile
        self.images = ImageRenderer(profile)

    def render(self, doc: Document) -> bytes:
        """The whole document: init, blocks, and the cut(s) it contains."""
        out = bytearray(self._init())
        pending: list[Block] = []
        for block in doc.blocks:
            if self._needs_raster(block):
                pending.append(block)
                continue
            out += self._raster(pending)
            pending = []
            out += self._native(block)
        out += self._raster(pending)
        log.debug("rendered %s for %s: %d bytes", doc.title, self.profile.name, len(out))
        return bytes(out)

    def _init(self) -> bytes:
        if self.profile.kanji:
            return cmd.INIT + cmd.KANJI_SHIFT_JIS + cmd.CODE_TABLE_KATAKANA + cmd.CHARSET_USA
        return cmd.INIT

    def _needs_raster(self, block: Block) -> bool:
        if isinstance(block, (Text, Rule)):
            return not self.profile.kanji
        if isinstance(block, QR):
            return not self.profile.native_qr
        if isinstance(block, Barcode):
            return not self._barcode_fits(block)
        return not isinstance(block, (Feed, Cut))

    def _barcode_fits(self, block: Barcode) -> bool:
        if not self.profile.supports_barcode(block.symbology) or block.height_dots > 255:
            return False
        width = (len(barcodes.modules(block.symbology, block.data)) + 20) * 2
        return width <= self.profile.width_dots

    def _raster(self, blocks: list[Block]) -> bytes:
        if not blocks:
            return b""
        image = self.images.render_blocks(blocks)
        return cmd.align("left") + cmd.raster_bands(image, self.profile.raster_band_rows)

    def _native(self, block: Block) -> bytes:
        if isinstance(block, Text):
            return self._text(block)
        if isinstance(block, Rule):
            return cmd.align("left") + encode_cp932(block.char * self.profile.width_chars) + cmd.LF
        if isinstance(block, QR):
            return (cmd.align(block.align) + cmd.qr(block.data.encode("ascii"),
                                                    self.profile.qr_module_dots) + cmd.LF)
        if isinstance(block, Barcode):
            return cmd.align(block.align) + cmd.barcode(
                block.symbology, barcodes.normalize(block.symbology, block.data),
                block.height_dots, 2, block.show_text)
        if isinstance(block, Feed):
            return cmd.feed_lines(block.lines)
        return self._cut()

    def _text(self, block: Text) -> bytes:
        size = block.size_for(self.profile.width_chars)
        columns = max(1, self.profile.width_chars // size)
        body = b"".join(encode_cp932(line) + cmd.LF for line in wrap(block.text, columns))
        return (cmd.align(block.align) + cmd.size(size, size) + cmd.bold(block.bold)
                + cmd.KANJI_ON + body + cmd.KANJI_OFF + cmd.size(1, 1) + cmd.bold(False))

    def _cut(self) -> bytes:
        feed = cmd.feed_lines(self.profile.feed_before_cut)
        return feed if self.profile.cut == "none" else feed + cmd.cut(self.profile.cut)
