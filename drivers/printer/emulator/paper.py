"""The emulator's paper: draws what the parsed ESC/POS stream asked for, like a printer head.

Text is drawn with the IPA Gothic "ROM font" on the 12x24 grid, raster images dot for dot,
QR codes and barcodes from the data the printer received (as the firmware would).
One `Paper` per cut: a PNG, the decoded text and the raw bytes.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw

from drivers import barcode as barcodes
from drivers.printer.document import display_width
from drivers.printer.fonts import font

log = logging.getLogger(__name__)

LINE_DOTS, CHAR_DOTS = 30, 12


@dataclass
class Paper:
    """One printed (and cut) piece of paper."""

    png_path: Path
    text: str
    raw: bytes
    codes: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[bytes] = field(default_factory=list)


@dataclass
class Style:
    """The printer's current print mode."""

    align: str = "left"
    width: int = 1
    height: int = 1
    bold: bool = False
    barcode_height: int = 162
    barcode_module: int = 3
    hri: bool = False


class PaperBuilder:
    """Sink for EscPosParser: collects strips of paper and text until the cut."""

    def __init__(self, width_dots: int) -> None:
        self.width_dots = width_dots
        self.st = Style()
        self.strips: list[Image.Image] = []
        self.lines: list[str] = []
        self.segments: list[tuple[str, Style]] = []
        self.codes: list[tuple[str, str]] = []
        self.unknowns: list[bytes] = []

    @property
    def empty(self) -> bool:
        return not (self.strips or self.segments or self.lines)

    # --- Sink -------------------------------------------------------------------------
    def text(self, text: str) -> None:
        self.segments.append((text, Style(**vars(self.st))))

    def newline(self) -> None:
        if not self.segments:
            return
        self.lines.append("".join(t for t, _ in self.segments))
        self.strips.append(self._line_strip())
        self.segments = []

    def feed_dots(self, dots: int) -> None:
        if dots > 0:
            self.strips.append(Image.new("L", (self.width_dots, dots), 255))

    def style(self, **changes: object) -> None:
        for key, value in changes.items():
            setattr(self.st, key, value)

    def reset(self) -> None:
        self.st = Style()

    def raster(self, image: Image.Image) -> None:
        self.newline()
        self.strips.append(self._aligned(image.convert("L")))

    def qr(self, data: bytes, module_dots: int) -> None:
        self.newline()
        text = data.decode("latin-1")
        self.codes.append(("qr", text))
        self.strips.append(self._aligned(barcodes.qr_png(text, box_px=module_dots, border=2)))

    def barcode(self, symbology: str, data: str) -> None:
        self.newline()
        try:
            human = barcodes.human_readable(symbology, data)
            bars = barcodes.barcode_png(symbology, data, module_px=max(1, self.st.barcode_module),
                                        height_px=max(1, self.st.barcode_height))
        except ValueError:
            log.warning("emulator: barcode %s %r cannot be printed", symbology, data)
            self.unknowns.append(f"GS k {symbology} {data}".encode())
            return
        self.codes.append((symbology, human))
        self.strips.append(self._aligned(bars))
        if self.st.hri:
            self.strips.append(self._aligned(self._glyphs(human, 1, 1, False)))

    def cut(self, raw: bytes) -> None:
        """Overridden by the emulator, which names and keeps the paper."""

    def unknown(self, command: bytes) -> None:
        log.warning("emulator: unsupported command %r", command)
        self.unknowns.append(command)

    # --- drawing ----------------------------------------------------------------------
    def _glyphs(self, text: str, width: int, height: int, bold: bool) -> Image.Image:
        cells = max(1, display_width(text))
        img = Image.new("L", (cells * CHAR_DOTS * height, LINE_DOTS * height), 255)
        draw = ImageDraw.Draw(img)
        for dx in ((0, 1) if bold else (0,)):
            draw.text((dx, 0), text, font=font(24 * height), fill=0)
        if width != height:
            img = img.resize((cells * CHAR_DOTS * width, img.height))
        return img

    def _line_strip(self) -> Image.Image:
        parts = [self._glyphs(t, s.width, s.height, s.bold) for t, s in self.segments]
        height = max(p.height for p in parts)
        line = Image.new("L", (sum(p.width for p in parts), height), 255)
        x = 0
        for part in parts:
            line.paste(part, (x, height - part.height))
            x += part.width
        return self._aligned(line, self.segments[0][1].align)

    def _aligned(self, img: Image.Image, align: str | None = None) -> Image.Image:
        where = align or self.st.align
        strip = Image.new("L", (self.width_dots, img.height), 255)
        room = self.width_dots - img.width
        x = {"left": 0, "center": room // 2, "right": room}.get(where, 0)
        strip.paste(img.convert("L"), (max(0, x), 0))
        return strip

    def discard(self) -> None:
        """Drop everything since the last cut (a printer without paper prints nothing)."""
        self.segments = []
        self.strips, self.lines, self.codes, self.unknowns = [], [], [], []

    def finish(self, png_path: Path, raw: bytes) -> Paper:
        """Flush the last line, save the PNG, and start a fresh paper."""
        self.newline()
        height = max(1, sum(s.height for s in self.strips))
        page = Image.new("L", (self.width_dots, height), 255)
        top = 0
        for strip in self.strips:
            page.paste(strip, (0, top))
            top += strip.height
        page.save(png_path)
        paper = Paper(png_path, "\n".join(self.lines), raw, self.codes, self.unknowns)
        self.discard()
        return paper
