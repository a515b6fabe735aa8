"""GIVEN the caller's plain data WHEN a layout is built THEN it reads like the seed screens,
and bad data is refused with a Japanese message before anything is printed."""
from __future__ import annotations

from dataclasses import replace

import pytest

from drivers.printer import (
    QR,
    Barcode,
    Cut,
    PrintDataError,
    ServiceIdLabel,
    Stamps,
    Text,
    receipt_merge,
    receipt_point_use,
    receipt_voucher_redeem,
    service_id_label,
    voucher,
)
from drivers.printer.document import display_width, wrap
from drivers.printer.escpos_renderer import EscPosRenderer
from tests.drivers.printer.factories import merge, point_use, redeem, ticket


def test_point_use_receipt_wording_matches_screen_31() -> None:
    assert receipt_point_use(point_use()).texts() == [
        "A市ポイント", "★★★レシート★★★", "[今回の利用ポイント数]", "500ポイント",
        "[ポイント残高]", "1,230ポイント", "ご利用いただき", "ありがとうございました。",
        "取引済番号: 2017123100001", "発行日時: 2017年4月2日 18:02:37"]


def test_merge_receipt_names_the_street_first() -> None:
    texts = receipt_merge(merge()).texts()
    assert texts[2:8] == ["[合算先商店街名]", "A商店街", "[今回の利用ポイント数]", "500ポイント",
                          "[ポイント残高]", "1,230ポイント"]


def test_redeem_receipt_has_number_points_place_time() -> None:
    texts = receipt_voucher_redeem(redeem()).texts()
    for expected in ("[券番号]", "987654321012", "500ポイント", "A商店街 B商店",
                     "利用日時: 2017年4月2日 18:02:37"):
        assert expected in texts


def test_voucher_has_big_number_qr_and_two_stamp_boxes() -> None:
    doc = voucher(ticket())
    number = next(b for b in doc.blocks if isinstance(b, Text) and b.text == "987654321012")
    assert number.size == 3 and number.bold and number.shrink
    assert QR("987654321012") in doc.blocks
    assert Stamps(("発行認印", "利用店舗印")) in doc.blocks
    assert isinstance(doc.blocks[-1], Cut)


def test_reprinted_voucher_says_so_and_keeps_its_number() -> None:
    first, again = voucher(ticket()), voucher(replace(ticket(), reprint=True))
    assert "【再発行】" not in first.texts() and again.texts()[0] == "【再発行】"
    assert again.texts()[1:] == first.texts()


def test_label_carries_the_service_id_barcode() -> None:
    doc = service_id_label(ServiceIdLabel("川崎市立図書館", "180000000011", "nw7"))
    assert Barcode("180000000011", "nw7") in doc.blocks


@pytest.mark.parametrize("bad", [
    lambda: receipt_point_use(replace(point_use(), txn_no="20171231")),
    lambda: receipt_point_use(replace(point_use(), points_used=-1)),
    lambda: receipt_voucher_redeem(replace(redeem(), voucher_no="98765432101")),
    lambda: voucher(replace(ticket(), validity_days=31)),
    lambda: voucher(replace(ticket(), voucher_no="98765432101X")),
    lambda: receipt_merge(replace(merge(), street_name=" ")),
    lambda: service_id_label(ServiceIdLabel("図書館", "4901234567890", "ean13")),
    lambda: service_id_label(ServiceIdLabel("図書館", "ABC", "qr-ish")),
    lambda: Text("x", size=5),
    lambda: Text("bell\x07"),
    lambda: QR("ポイント"),
])
def test_bad_data_is_refused_in_japanese(bad) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PrintDataError) as info:
        bad()
    assert any("\u3040" <= c <= "\u9fff" for c in info.value.user_message)


def test_character_outside_shift_jis_is_refused_for_kanji_printers(kanji) -> None:
    doc = receipt_point_use(replace(point_use(), point_name="𠮷野町ポイント"))
    with pytest.raises(PrintDataError, match="𠮷"):
        EscPosRenderer(kanji).render(doc)


@pytest.mark.parametrize(("columns", "size"), [(48, 3), (32, 2), (20, 1)])
def test_big_voucher_figures_shrink_to_stay_on_one_line(columns: int, size: int) -> None:
    """GIVEN narrower paper WHEN the voucher's big number is laid out THEN it never wraps."""
    number = next(b for b in voucher(ticket()).blocks
                  if isinstance(b, Text) and b.text == "987654321012")
    assert number.size_for(columns) == size
    assert Text("987654321012", size=3).size_for(20) == 3  # no shrink unless asked


def test_wrap_counts_full_width_as_two_columns() -> None:
    assert display_width("A市ポイント") == 11
    assert wrap("ありがとうございました。", 10) == ["ありがとう", "ございまし", "た。"]
    assert all(display_width(line) <= 48 for line in wrap("※" * 40, 48))
