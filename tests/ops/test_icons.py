"""GIVEN the app icon's SVG WHEN installer/make_icons.py renders it THEN the committed PNG sizes
and the .ico are exactly what it produces (not stale), and each has the size it claims."""
from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

from PIL import Image

from tests.ops.conftest import ROOT

ICONS = ROOT / "resources" / "icons"
SIZES = (16, 32, 48, 64, 128, 256)


def test_given_the_svg_when_rendered_again_then_the_committed_files_are_current():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, str(ROOT / "installer" / "make_icons.py"), "--check"],
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr


def test_given_the_pngs_then_each_is_square_rgba_of_its_size():
    for size in SIZES:
        with Image.open(ICONS / f"mykey-{size}.png") as image:
            assert image.size == (size, size) and image.mode == "RGBA"
            assert image.getpixel((0, 0))[3] == 0                  # transparent corner
            assert image.getpixel((size // 2, size // 2))[3] == 255


def test_given_the_ico_then_it_holds_every_size():
    with Image.open(ICONS / "mykey.ico") as ico:
        assert set(ico.info["sizes"]) == {(s, s) for s in SIZES}


def test_given_the_svg_then_it_is_well_formed_and_titled_in_japanese():
    root = ET.parse(ICONS / "mykey.svg").getroot()
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert root.get("viewBox") == "0 0 256 256"
    assert title is not None and title.text == "マイキープラットフォーム等活用ソフト"
