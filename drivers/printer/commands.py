"""The ESC/POS commands we send, in one place (Epson "ESC/POS Command Reference").

Pure functions returning bytes; both the renderer and the emulator's parser use the
constants here, so the protocol is written down once.
"""
from __future__ import annotations

from PIL import Image

ESC, GS, FS, DLE, EOT, LF = b"\x1b", b"\x1d", b"\x1c", b"\x10", b"\x04", b"\n"

INIT = ESC + b"@"
KANJI_SHIFT_JIS = FS + b"C\x01"   # FS C 1: kanji code system = Shift_JIS
KANJI_ON = FS + b"&"
KANJI_OFF = FS + b"."
CODE_TABLE_KATAKANA = ESC + b"t\x01"  # half-width katakana for single bytes 0xA1-0xDF
CHARSET_USA = ESC + b"R\x00"  # 0x5C prints as a backslash (the yen sign is sent as ￥)
ALIGN = {"left": 0, "center": 1, "right": 2}
STATUS_PRINTER, STATUS_OFFLINE_CAUSE, STATUS_ERROR_CAUSE, STATUS_PAPER = 1, 2, 3, 4

# GS k (format 2: m n d1..dn): barcode system numbers.
BARCODE_SYSTEM = {"ean13": 67, "code39": 69, "nw7": 71, "code128": 73}
HRI_BELOW = 2
QR_MODEL_2 = 50
QR_ERROR = {"L": 48, "M": 49, "Q": 50, "H": 51}


def align(where: str) -> bytes:
    """ESC a n."""
    return ESC + b"a" + bytes([ALIGN[where]])


def size(width: int, height: int) -> bytes:
    """GS ! n: character size (1..8 times)."""
    return GS + b"!" + bytes([((width - 1) << 4) | (height - 1)])


def bold(on: bool) -> bytes:
    """ESC E n: emphasized."""
    return ESC + b"E" + bytes([1 if on else 0])


def feed_lines(n: int) -> bytes:
    """ESC d n: print and feed n lines."""
    return ESC + b"d" + bytes([max(0, min(n, 255))])


def cut(kind: str) -> bytes:
    """GS V 65 0 (full, after feeding to the cutter) or GS V 66 0 (partial)."""
    return GS + b"V" + (b"A" if kind == "full" else b"B") + b"\x00"


def status_request(n: int) -> bytes:
    """DLE EOT n: real-time status (1 printer, 2 offline cause, 3 error cause, 4 paper)."""
    return DLE + EOT + bytes([n])


def _gs_k_qr(fn: int, payload: bytes) -> bytes:
    length = len(payload) + 2
    return GS + b"(k" + bytes([length & 0xFF, length >> 8, 49, fn]) + payload


def qr(data: bytes, module_dots: int, error: str = "M") -> bytes:
    """GS ( k: select model 2, module size, error level, store data, print."""
    return (_gs_k_qr(65, bytes([QR_MODEL_2, 0])) + _gs_k_qr(67, bytes([module_dots]))
            + _gs_k_qr(69, bytes([QR_ERROR[error]])) + _gs_k_qr(80, b"0" + data)
            + _gs_k_qr(81, b"0"))


def barcode(symbology: str, data: str, height_dots: int, module_dots: int = 2,
            hri: bool = True) -> bytes:
    """GS h / GS w / GS H then GS k m n data (CODE128 gets the code set B prefix "{B")."""
    if symbology == "code128":
        data = "{B" + data.replace("{", "{{")  # code set B; a literal "{" is sent as "{{"
    payload = data.encode("ascii")
    if symbology == "ean13":
        payload = payload[:12]  # the printer adds the check digit
    setup = (GS + b"h" + bytes([height_dots]) + GS + b"w" + bytes([module_dots])
             + GS + b"H" + bytes([HRI_BELOW if hri else 0]))
    return setup + GS + b"k" + bytes([BARCODE_SYSTEM[symbology], len(payload)]) + payload


def raster(img: Image.Image) -> bytes:
    """GS v 0 0 xL xH yL yH d...: one 1-bit image, rows MSB-first, 1 = black dot."""
    mono = img.convert("L").point(lambda v: 255 if v >= 128 else 0).convert(
        "1", dither=Image.Dither.NONE)
    width_bytes = (mono.width + 7) // 8
    padded = Image.new("1", (width_bytes * 8, mono.height), 1)
    padded.paste(mono, (0, 0))
    data = bytes(b ^ 0xFF for b in padded.tobytes())  # PIL "1": 1 = white
    return (GS + b"v0\x00" + bytes([width_bytes & 0xFF, width_bytes >> 8,
                                    mono.height & 0xFF, mono.height >> 8]) + data)


def raster_bands(img: Image.Image, band_rows: int) -> bytes:
    """The image as several GS v 0 bands (printers limit the height of one command)."""
    out = bytearray()
    for top in range(0, img.height, band_rows):
        out += raster(img.crop((0, top, img.width, min(img.height, top + band_rows))))
    return bytes(out)
