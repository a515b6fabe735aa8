"""Find the Japanese font used for raster text (IPA Gothic, monospaced).

Searched in this order: $MYKEY_FONT, the standard font folders of Linux/Windows/macOS,
then fontconfig (`fc-match`). No font files are shipped (see resources/fonts/README.md).
"""
from __future__ import annotations

import functools
import logging
import os
import shutil
import subprocess
from pathlib import Path

from PIL import ImageFont

from drivers.printer.errors import PrinterConfigError
from drivers.printer.messages import message

log = logging.getLogger(__name__)

FONT_ENV = "MYKEY_FONT"
FONT_FILES = ("ipag.ttf", "ipag.ttc", "IPAGothic.ttf", "fonts-japanese-gothic.ttf",
              "msgothic.ttc")  # MS Gothic (monospaced too) only where no IPA font is installed


def _font_dirs() -> list[Path]:
    dirs = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
            Path.home() / ".local" / "share" / "fonts", Path.home() / ".fonts",
            Path("/Library/Fonts"), Path.home() / "Library" / "Fonts"]
    for env, sub in (("WINDIR", "Fonts"), ("LOCALAPPDATA", "Microsoft/Windows/Fonts")):
        base = os.environ.get(env)
        if base:
            dirs.append(Path(base) / sub)
    return [d for d in dirs if d.is_dir()]


def _search_dirs() -> Path | None:
    for name in FONT_FILES:
        for directory in _font_dirs():
            hits = sorted(directory.rglob(name))
            if hits:
                return hits[0]
    return None


def _fontconfig() -> Path | None:
    exe = shutil.which("fc-match")
    if not exe:
        return None
    out = subprocess.run([exe, "-f", "%{file}", "IPAGothic:lang=ja"], capture_output=True,
                         text=True, timeout=10, check=False).stdout.strip()
    path = Path(out) if out else None
    return path if path and path.is_file() and "ipa" in path.name.lower() else None


@functools.lru_cache(maxsize=1)
def find_japanese_font() -> Path:
    """Path of IPA Gothic; PrinterConfigError (Japanese) when there is none."""
    env = os.environ.get(FONT_ENV)
    found = Path(env) if env and Path(env).is_file() else _search_dirs() or _fontconfig()
    if found is None:
        raise PrinterConfigError(message("font_not_found"))
    log.debug("raster font: %s", found)
    return found


@functools.lru_cache(maxsize=32)
def font(size_px: int) -> ImageFont.FreeTypeFont:
    """The Japanese font at `size_px` pixels (cached)."""
    return ImageFont.truetype(str(find_japanese_font()), size_px)
