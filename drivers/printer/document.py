"""A printable document: an ordered list of typed blocks, independent of any printer.

Layout functions (layouts.py) build Documents; renderers turn them into ESC/POS bytes or
a preview image according to a PrinterProfile.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from drivers import barcode
from drivers.printer.errors import PrintDataError
from drivers.printer.messages import message

Align = Literal["left", "center", "right"]

# Characters whose Unicode form differs from what Shift_JIS (cp932) round-trips: the yen sign,
# the WAVE DASH problem and friends. Normalised once, so printer, preview and width agree.
JIS_FORMS = str.maketrans({"¥": "￥", "〜": "～", "−": "－", "‖": "∥", "¢": "￠", "£": "￡",
                           "¬": "￢", "—": "―", "–": "－"})


def to_jis_forms(text: str) -> str:
    """`text` with the characters above replaced by the forms cp932 prints and decodes back."""
    return text.translate(JIS_FORMS)


@dataclass(frozen=True)
class Text:
    """One paragraph; `size` multiplies width and height (1..4); wrapped to the paper.

    With `shrink`, a paragraph that would wrap at `size` is printed at the largest smaller
    size that keeps it on one line (big voucher numbers on narrow paper).
    """

    text: str
    size: int = 1
    bold: bool = False
    align: Align = "left"
    shrink: bool = False

    def size_for(self, columns: int) -> int:
        """The size to print at on paper `columns` half-width characters wide."""
        if not self.shrink:
            return self.size
        width = display_width(self.text)
        return next((s for s in range(self.size, 1, -1) if width * s <= columns), 1)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", to_jis_forms(self.text))
        if not 1 <= self.size <= 4:
            raise PrintDataError(message("bad_field", field="size", detail=str(self.size)))
        for char in self.text:
            if char != "\n" and unicodedata.category(char) in ("Cc", "Cs", "Co"):
                raise PrintDataError(message("unprintable_char", char=repr(char)))


@dataclass(frozen=True)
class Rule:
    """A horizontal line across the paper."""

    char: str = "-"


@dataclass(frozen=True)
class QR:
    """A QR code of ASCII `data` (scanners mis-decode UTF-8 QR payloads)."""

    data: str
    align: Align = "center"

    def __post_init__(self) -> None:
        if not self.data or not self.data.isascii():
            raise PrintDataError(message("bad_field", field="QR", detail=self.data[:20]))


@dataclass(frozen=True)
class Barcode:
    """A 1-D barcode; data is validated for the symbology when the block is made."""

    data: str
    symbology: str = "code128"
    height_dots: int = 80
    show_text: bool = True
    align: Align = "center"

    def __post_init__(self) -> None:
        try:
            barcode.normalize(self.symbology, self.data)
        except ValueError as exc:
            raise PrintDataError(str(exc)) from exc


@dataclass(frozen=True)
class Stamps:
    """Empty boxes for seals, side by side, each with its caption (発行認印, 利用店舗印)."""

    captions: tuple[str, ...]
    box_dots: int = 150


@dataclass(frozen=True)
class Feed:
    """Blank lines."""

    lines: int = 1


@dataclass(frozen=True)
class Cut:
    """End of one paper: feed and cut (as the profile allows)."""


Block = Text | Rule | QR | Barcode | Stamps | Feed | Cut


@dataclass
class Document:
    """An ordered list of blocks with a short title (used for logs and previews)."""

    title: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> Document:
        """Append blocks; returns self so layouts can chain."""
        self.blocks.extend(blocks)
        return self

    def texts(self) -> list[str]:
        """All Text contents in order (for tests and logs)."""
        return [b.text for b in self.blocks if isinstance(b, Text)]


def display_width(text: str) -> int:
    """Columns of `text` in half-width units, as a kanji-mode printer spaces it (cp932 bytes)."""
    return sum(_char_width(c) for c in text)


def _char_width(char: str) -> int:
    try:
        return len(char.encode("cp932"))
    except UnicodeEncodeError:
        return 2 if unicodedata.east_asian_width(char) in ("F", "W", "A") else 1


def wrap(text: str, columns: int) -> list[str]:
    """Split `text` into lines of at most `columns` half-width columns (hard newlines kept)."""
    lines: list[str] = []
    for para in text.split("\n"):
        line, used = "", 0
        for char in para:
            width = display_width(char)
            if used + width > columns and line:
                lines.append(line)
                line, used = "", 0
            line, used = line + char, used + width
        lines.append(line)
    return lines
