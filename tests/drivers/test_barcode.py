"""GIVEN data and a symbology name WHEN a barcode/QR is drawn THEN a scanner (zbar) reads the
same data back; data a symbology cannot carry is refused with a Japanese ValueError."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyzbar import pyzbar

from drivers import barcode

CASES = [
    ("code128", "MK-ABC123", "CODE128", "MK-ABC123"),
    ("code128", "180000000011", "CODE128", "180000000011"),
    ("nw7", "180000000011", "CODABAR", "A180000000011A"),
    ("nw7", "b1234-5678c", "CODABAR", "B1234-5678C"),
    ("ean13", "490123456789", "EAN13", "4901234567894"),
    ("ean13", "4901234567894", "EAN13", "4901234567894"),
    ("code39", "LIB-0042 X", "CODE39", "LIB-0042 X"),
]


def _scan(img) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(s.type, s.data.decode("ascii")) for s in pyzbar.decode(img.convert("L"))]


@pytest.mark.parametrize(("symbology", "data", "zbar_type", "expected"), CASES)
def test_png_scans_back(symbology, data, zbar_type, expected) -> None:  # type: ignore[no-untyped-def]
    assert _scan(barcode.barcode_png(symbology, data)) == [(zbar_type, expected)]


@pytest.mark.parametrize(("symbology", "data", "zbar_type", "expected"), CASES)
def test_svg_is_a_drawing_with_bars(symbology, data, zbar_type, expected) -> None:  # type: ignore[no-untyped-def]
    root = ET.fromstring(barcode.barcode_svg(symbology, data))
    assert root.tag.endswith("svg")
    assert len([e for e in root.iter() if e.tag.endswith("rect")]) > 10


def test_ean13_check_digit_is_computed_and_checked() -> None:
    assert barcode.ean13_check_digit("490123456789") == "4"
    assert barcode.normalize("ean13", "490123456789") == "4901234567894"
    with pytest.raises(ValueError, match="チェックデジットが正しくありません（正しくは 4）"):
        barcode.normalize("ean13", "4901234567890")


@pytest.mark.parametrize(("symbology", "data", "message"), [
    ("ean13", "49012345678", "12桁"),
    ("ean13", "49012345678A", "12桁"),
    ("nw7", "12AB34", "NW-7 に使えない文字"),
    ("nw7", "A1234", "スタート/ストップ"),
    ("code39", "lib-42", "Code 39 に使えない文字"),
    ("code128", "図書館1", "CODE128 に使えない文字"),
    ("code128", "", "空です"),
    ("qr", "123", "対応していません"),
])
def test_unencodable_data_is_refused_in_japanese(symbology, data, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        barcode.barcode_png(symbology, data)


def test_qr_png_and_svg() -> None:
    assert _scan(barcode.qr_png("987654321012")) == [("QRCODE", "987654321012")]
    assert ET.fromstring(barcode.qr_svg("987654321012")).tag.endswith("svg")
    with pytest.raises(ValueError, match="長すぎます"):
        barcode.qr_png("9" * 8000)


@settings(max_examples=30, deadline=None, database=None)
@given(st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1,
               max_size=20))
def test_any_printable_ascii_round_trips_in_code128(data: str) -> None:
    assert _scan(barcode.barcode_png("code128", data)) == [("CODE128", data)]


@settings(max_examples=30, deadline=None, database=None)
@given(st.from_regex(r"[0-9]{12}", fullmatch=True))
def test_any_twelve_digits_round_trip_in_ean13(digits: str) -> None:
    expected = digits + barcode.ean13_check_digit(digits)
    assert _scan(barcode.barcode_png("ean13", digits)) == [("EAN13", expected)]
