"""Printer profiles: what a model can do, loaded from resources/printers/<name>.json.

A profile decides how a Document becomes bytes: kanji mode (Shift_JIS, FS C 1 / FS &)
or raster text, native QR (GS ( k) and barcodes (GS k) or raster, and the cut.
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drivers.printer.errors import PrinterConfigError
from drivers.printer.messages import message

log = logging.getLogger(__name__)

PROFILE_DIR_ENV = "MYKEY_PRINTER_PROFILES"
_CUTS = ("full", "partial", "none")
_SYMBOLOGIES = ("code128", "nw7", "ean13", "code39")


def default_profile_dir() -> Path:
    """resources/printers of the source tree, or the folder named by $MYKEY_PRINTER_PROFILES."""
    env = os.environ.get(PROFILE_DIR_ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "resources" / "printers"


@dataclass(frozen=True)
class PrinterProfile:
    """Capabilities of one printer model (widths in dots of Font A, 12x24)."""

    name: str
    model: str
    width_dots: int
    width_chars: int
    kanji: bool
    native_qr: bool
    native_barcodes: tuple[str, ...] = field(default_factory=tuple)
    cut: str = "partial"
    feed_before_cut: int = 3
    qr_module_dots: int = 6
    raster_band_rows: int = 256

    @property
    def char_dots(self) -> int:
        """Width of one half-width character in dots."""
        return self.width_dots // self.width_chars

    def supports_barcode(self, symbology: str) -> bool:
        """True when GS k can print this symbology on this model."""
        return symbology in self.native_barcodes


def _check(name: str, raw: dict[str, Any]) -> None:
    problems = []
    if not isinstance(raw.get("width_dots"), int) or not 200 <= raw["width_dots"] <= 2000:
        problems.append("width_dots")
    if not isinstance(raw.get("width_chars"), int) or not 16 <= raw["width_chars"] <= 96:
        problems.append("width_chars")
    if raw.get("cut", "partial") not in _CUTS:
        problems.append("cut")
    if any(s not in _SYMBOLOGIES for s in raw.get("native_barcodes", [])):
        problems.append("native_barcodes")
    if not isinstance(raw.get("kanji"), bool) or not isinstance(raw.get("native_qr"), bool):
        problems.append("kanji/native_qr")
    if problems:
        raise PrinterConfigError(message("profile_invalid", name=name, detail=", ".join(problems)))


def profile_from_dict(name: str, raw: dict[str, Any]) -> PrinterProfile:
    """Validate a profile mapping (as in the JSON files) and build the profile."""
    _check(name, raw)
    known = {k: v for k, v in raw.items() if k in PrinterProfile.__dataclass_fields__}
    known["native_barcodes"] = tuple(raw.get("native_barcodes", ()))
    known.setdefault("model", name)
    known["name"] = name
    return PrinterProfile(**known)


def load_profile(name: str, directory: Path | None = None) -> PrinterProfile:
    """Load `name` (a file stem in the profile folder, or a path to a .json file)."""
    path = Path(name) if name.endswith(".json") else (directory or default_profile_dir()) / f"{name}.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PrinterConfigError(message("profile_not_found", name=name)) from exc
    except (OSError, ValueError) as exc:
        raise PrinterConfigError(message("profile_invalid", name=name, detail=type(exc).__name__)) from exc
    if not isinstance(raw, dict):
        raise PrinterConfigError(message("profile_invalid", name=name, detail="JSON object"))
    return profile_from_dict(path.stem, raw)


def available_profiles(directory: Path | None = None) -> list[str]:
    """Names of the profiles in the profile folder, sorted."""
    base = directory or default_profile_dir()
    return sorted(p.stem for p in base.glob("*.json"))
