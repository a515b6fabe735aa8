"""Draw a Document as an image: the on-screen receipt preview and the raster fallback.

`ImageRenderer(profile).render(doc)` gives a greyscale PIL image as wide as the paper
(profile.width_dots). Text uses IPA Gothic on the printer's 12x24 grid (full-width 24 dots),
so a raster receipt is laid out like a kanji-mode one.
"""
from __future__ import annotations

import io
import logging

from PIL import Image, ImageDraw

from drivers import barcode as barcodes
from drivers.printer.document import (
    QR,
    Barcode,
    Block,
    Cut,
    Document,
    Feed,
    Rule,
    Stamps,
    Text,
    display_width,
    wrap,
)
from drivers.printer.errors import PrintDataError
from drivers.printer.fonts import font
from drivers.printer.messages import message
from drivers.printer.profile import PrinterProfile

log = logging.getLogger(__name__)

LINE_DOTS = 30      # default ESC/POS line spacing with Font A (24 dots + gap)
GLYPH_DOTS = 24


class ImageRenderer:
    """Renders Documents (or runs of blocks) to images for one printer profile."""

    def __init__(self, profile: PrinterProfile) -> None:
        self.profile = profile

    def render(self, doc: Document) -> Image.Image:
        """The whole document as one greyscale image (cuts drawn as dashed lines)."""
        return self.render_blocks(doc.blocks)

    def render_png(self, doc: Document) -> bytes:
        """The preview as PNG bytes (for QImage.fromData in the app)."""
        out = io.BytesIO()
        self.render(doc).save(out, format="PNG")
        return out.getvalue()

    def render_blocks(self, blocks: list[Block]) -> Image.Image:
        """Blocks stacked top to bottom on a white strip as wide as the paper."""
        strips = [self.block_image(b) for b in blocks]
        height = max(1, sum(s.height for s in strips))
        page = Image.new("L", (self.profile.width_dots, height), 255)
        top = 0
        for strip in strips:
            page.paste(strip, (0, top))
            top += strip.height
        return page

    def block_image(self, block: Block) -> Image.Image:
        """One block as a strip of full paper width."""
        if isinstance(block, Text):
            return self._text(block)
        if isinstance(block, Rule):
            return self._rule()
        if isinstance(block, (QR, Barcode)):
            return self._aligned(self.code_image(block), block.align)
        if isinstance(block, Stamps):
            return self._stamps(block)
        if isinstance(block, Feed):
            return self._blank(LINE_DOTS * block.lines)
        if isinstance(block, Cut):
            return self._cut_mark()
        raise PrintDataError(message("bad_field", field="block", detail=type(block).__name__))

    def code_image(self, block: QR | Barcode) -> Image.Image:
        """The QR code or barcode alone (barcodes with their human-readable text)."""
        if isinstance(block, QR):
            return barcodes.qr_png(block.data, box_px=self.profile.qr_module_dots, border=2)
        for module_px in (3, 2, 1):
            bars = barcodes.barcode_png(block.symbology, block.data, module_px=module_px,
                                        height_px=block.height_dots)
            if bars.width <= self.profile.width_dots:
                break
        else:
            raise PrintDataError(message("bad_field", field="バーコード", detail=block.data[:20]))
        if not block.show_text:
            return bars.convert("L")
        caption = self._line(barcodes.human_readable(block.symbology, block.data), 1, False)
        out = Image.new("L", (max(bars.width, caption.width), bars.height + LINE_DOTS), 255)
        out.paste(bars.convert("L"), ((out.width - bars.width) // 2, 0))
        out.paste(caption, ((out.width - caption.width) // 2, bars.height + 2))
        return out

    def _blank(self, height: int) -> Image.Image:
        return Image.new("L", (self.profile.width_dots, max(1, height)), 255)

    def _aligned(self, img: Image.Image, where: str) -> Image.Image:
        strip = self._blank(img.height)
        room = max(0, strip.width - img.width)
        x = {"left": 0, "center": room // 2, "right": room}[where]
        strip.paste(img.convert("L"), (x, 0))
        return strip

    def _line(self, text: str, size: int, bold: bool) -> Image.Image:
        width = max(1, display_width(text) * self.profile.char_dots * size)
        img = Image.new("L", (width, LINE_DOTS * size), 255)
        draw = ImageDraw.Draw(img)
        face = font(GLYPH_DOTS * size)
        for dx in ((0, 1) if bold else (0,)):
            draw.text((dx, 0), text, font=face, fill=0)
        return img

    def _text(self, block: Text) -> Image.Image:
        size = block.size_for(self.profile.width_chars)
        columns = max(1, self.profile.width_chars // size)
        lines = [self._line(t, size, block.bold) for t in wrap(block.text, columns)]
        strip = self._blank(sum(line.height for line in lines))
        top = 0
        for line in lines:
            strip.paste(self._aligned(line, block.align), (0, top))
            top += line.height
        return strip

    def _rule(self) -> Image.Image:
        strip = self._blank(LINE_DOTS // 2)
        ImageDraw.Draw(strip).rectangle([0, 6, strip.width - 1, 7], fill=0)
        return strip

    def _stamps(self, block: Stamps) -> Image.Image:
        count = len(block.captions)
        cell = self.profile.width_dots // max(1, count)
        box = min(block.box_dots, cell - 16)
        strip = self._blank(LINE_DOTS + box + 8)
        draw = ImageDraw.Draw(strip)
        for i, caption in enumerate(block.captions):
            x = i * cell + (cell - box) // 2
            label = self._line(caption, 1, False)
            strip.paste(label, (i * cell + (cell - label.width) // 2, 0))
            draw.rectangle([x, LINE_DOTS, x + box, LINE_DOTS + box], outline=0, width=2)
        return strip

    def _cut_mark(self) -> Image.Image:
        strip = self._blank(LINE_DOTS * self.profile.feed_before_cut)
        draw = ImageDraw.Draw(strip)
        for x in range(0, strip.width, 16):
            draw.line([x, strip.height - 2, x + 8, strip.height - 2], fill=128, width=1)
        return strip
