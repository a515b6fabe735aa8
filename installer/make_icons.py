"""Render resources/icons/mykey.svg into the PNG sizes and the Windows .ico the installers use.

    .venv/bin/python installer/make_icons.py            # writes resources/icons/mykey-<N>.png
                                                        # and resources/icons/mykey.ico
    .venv/bin/python installer/make_icons.py --check    # exit 1 if the committed files are stale

The SVG is drawn with Qt's SVG renderer (PySide6-Essentials, offscreen; no X server needed), each
size rendered from the vector source rather than scaled down from 256 px so the small sizes stay
sharp; Pillow packs the .ico (all sizes, PNG-compressed entries). Output is deterministic: the
PNGs carry no timestamps, so re-running changes nothing unless the SVG changed.
"""
from __future__ import annotations

import argparse
import io
import logging
import os
import sys
from pathlib import Path

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
ICON_DIR = ROOT / "resources" / "icons"
SVG = ICON_DIR / "mykey.svg"
SIZES = (16, 32, 48, 64, 128, 256)


def render_png(svg: Path, size: int) -> bytes:
    """The SVG rendered at size x size pixels, as PNG bytes (RGBA, transparent background)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"invalid SVG: {svg.name}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # stubs say bytes; runtime wants str
    return _normalised_png(bytes(data.data()))


def _normalised_png(png: bytes) -> bytes:
    """Re-encode with Pillow: fixed compression and no ancillary chunks, so output is stable."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        out = io.BytesIO()
        image.convert("RGBA").save(out, "PNG", optimize=True)
    return out.getvalue()


def build_ico(pngs: dict[int, bytes]) -> bytes:
    """A multi-size .ico made from the per-size renderings."""
    from PIL import Image

    images = [Image.open(io.BytesIO(pngs[size])) for size in SIZES]
    out = io.BytesIO()
    images[-1].save(out, "ICO", sizes=[(s, s) for s in SIZES], append_images=images[:-1])
    return out.getvalue()


def outputs() -> dict[Path, bytes]:
    """Every generated file and its content."""
    pngs = {size: render_png(SVG, size) for size in SIZES}
    files = {ICON_DIR / f"mykey-{size}.png": data for size, data in pngs.items()}
    files[ICON_DIR / "mykey.ico"] = build_ico(pngs)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="アイコン（PNG・ICO）を SVG から生成する")
    parser.add_argument("--check", action="store_true",
                        help="生成済みファイルが SVG と一致するか確認する（書き込まない）")
    args = parser.parse_args(argv)
    files = outputs()
    stale = [p for p, data in files.items() if not p.exists() or p.read_bytes() != data]
    if args.check:
        for path in stale:
            print(f"stale: {path.relative_to(ROOT)}", file=sys.stderr)
        return 1 if stale else 0
    for path, data in files.items():
        path.write_bytes(data)
        print(f"wrote {path.relative_to(ROOT)} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
