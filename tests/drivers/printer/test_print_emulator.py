"""GIVEN a printer profile and the loopback emulator WHEN documents are printed over TCP
THEN the paper the emulator produced shows what the clerk expects."""
from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops
from pyzbar import pyzbar

from drivers.printer import (
    ImageRenderer,
    Printer,
    PrinterProfile,
    ServiceIdLabel,
    load_profile,
    receipt_merge,
    receipt_point_use,
    receipt_voucher_redeem,
    service_id_label,
    voucher,
)
from drivers.printer.transports import parse_target
from tests.drivers.printer.conftest import KANJI, LABEL, RASTER
from tests.drivers.printer.factories import merge, point_use, redeem, ticket

GS_V0 = b"\x1dv0"
KANJI_ON = b"\x1c&"


def _print(emulator_for, profile: PrinterProfile, doc):  # type: ignore[no-untyped-def]
    emu = emulator_for(profile)
    printer = Printer(profile, parse_target(emu.target))
    try:
        printer.print_document(doc)
    finally:
        printer.close()
    papers = emu.wait_for_papers(1)
    assert len(papers) == 1
    assert papers[0].unknown == [], "the emulator must understand every command we send"
    return papers[0]


def _decode(png) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(s.type, s.data.decode("ascii")) for s in pyzbar.decode(Image.open(png))]


def _binary(img: Image.Image) -> Image.Image:
    return img.convert("L").point(lambda v: 255 if v >= 128 else 0)


def test_kanji_receipt_arrives_as_shift_jis_text(emulator_for, kanji) -> None:
    """GIVEN a kanji printer WHEN the 画面31 receipt prints THEN the text was sent in kanji mode."""
    paper = _print(emulator_for, kanji, receipt_point_use(point_use()))
    assert "ポイント残高" in paper.text
    for line in ("★★★レシート★★★", "500ポイント", "1,230ポイント", "取引済番号: 2017123100001",
                 "発行日時: 2017年4月2日 18:02:37", "ありがとうございました。"):
        assert line in paper.text
    assert b"\x1cC\x01" in paper.raw and KANJI_ON in paper.raw
    assert "ポイント残高".encode("cp932") in paper.raw
    assert GS_V0 not in paper.raw


def test_raster_receipt_has_no_kanji_bytes_and_ink_where_text_is(emulator_for, raster) -> None:
    """GIVEN a printer without kanji WHEN the receipt prints THEN it is GS v 0 raster only,
    and the paper equals the preview dot for dot (so the text is really on it)."""
    doc = receipt_point_use(point_use())
    paper = _print(emulator_for, raster, doc)
    assert GS_V0 in paper.raw
    assert KANJI_ON not in paper.raw and "ポイント".encode("cp932") not in paper.raw
    assert paper.text == ""
    printed = _binary(Image.open(paper.png_path))
    title_band = printed.crop((0, 0, raster.width_dots, 60))
    assert title_band.getextrema()[0] == 0, "the point name must be inked"
    preview = _binary(ImageRenderer(raster).render(doc))
    assert printed.size == preview.size
    assert ImageChops.difference(printed, preview).getbbox() is None


def test_voucher_qr_decodes_to_the_voucher_number(emulator_for, profile) -> None:
    """GIVEN either profile WHEN a voucher prints THEN its QR scans as the 12-digit number."""
    paper = _print(emulator_for, profile, voucher(ticket("123456789012")))
    assert ("QRCODE", "123456789012") in _decode(paper.png_path)
    native = profile.native_qr
    assert (b"\x1d(k" in paper.raw) is native
    assert (paper.codes == [("qr", "123456789012")]) is native


def test_voucher_shows_number_points_and_both_stamp_boxes(emulator_for, kanji) -> None:
    paper = _print(emulator_for, kanji, voucher(ticket()))
    assert "987654321012" in paper.text and "500ポイント" in paper.text
    assert "有効期限: 2017年5月2日まで（発行日より30日間）" in paper.text
    assert GS_V0 in paper.raw  # the 発行認印 / 利用店舗印 boxes are drawn


def test_redeem_and_merge_receipts_carry_their_fields(emulator_for, kanji) -> None:
    redeemed = _print(emulator_for, kanji, receipt_voucher_redeem(redeem()))
    assert "[券番号]" in redeemed.text and "987654321012" in redeemed.text
    assert "A商店街 B商店" in redeemed.text and "利用日時: 2017年4月2日 18:02:37" in redeemed.text
    merged = _print(emulator_for, kanji, receipt_merge(merge()))
    assert "[合算先商店街名]" in merged.text and "A商店街" in merged.text


@pytest.mark.parametrize("profile_name", [KANJI, RASTER, LABEL])
def test_labels_scan_back_in_every_symbology(emulator_for, profile_name) -> None:
    """GIVEN service-ID labels WHEN printed (native GS k or raster) THEN each scans back."""
    profile = load_profile(profile_name)
    cases = [("code128", "MK-180000000011", "CODE128", "MK-180000000011"),
             ("nw7", "180000000011", "CODABAR", "A180000000011A"),
             ("ean13", "490123456789", "EAN13", "4901234567894"),
             ("code39", "LIB-0042", "CODE39", "LIB-0042"),
             ("code128", "ID{7}", "CODE128", "ID{7}")]
    emu = emulator_for(profile)
    printer = Printer(profile, parse_target(emu.target))
    for symbology, data, _, _ in cases:
        printer.print_document(service_id_label(ServiceIdLabel("川崎市立図書館", data, symbology)))
    printer.close()
    papers = emu.wait_for_papers(len(cases))
    for paper, (_, _, zbar_type, expected) in zip(papers, cases):
        assert (zbar_type, expected) in _decode(paper.png_path)
        assert paper.unknown == []
        assert (b"\x1dk" in paper.raw) is bool(profile.native_barcodes)


def test_preview_png_is_the_paper_width(kanji) -> None:
    """GIVEN a receipt WHEN the app asks for a preview THEN it gets a PNG as wide as the paper."""
    png = ImageRenderer(kanji).render_png(receipt_point_use(point_use()))
    img = Image.open(io.BytesIO(png))
    assert img.format == "PNG" and img.width == kanji.width_dots and img.height > 300
