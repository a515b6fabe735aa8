"""GIVEN 基本4情報 bytes or a birth date WHEN parsed / converted THEN the holder's facts come out
exactly, whatever filler, leading bytes or length forms surround them."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.card import CardProtocolError, InvalidInput, collation_number_b, japanese_era
from drivers.card.basic_info import BasicInfo, encode_basic_info, parse_basic_info

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "card" / "basic_info_ff20.hex"


def _fixture() -> bytes:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    return bytes.fromhex("".join(x for x in lines if not x.startswith("#")))


def test_given_recorded_layout_when_parsed_then_four_facts() -> None:
    info = parse_basic_info(_fixture() + b"\xff" * 40)
    assert (info.name, info.address, info.birth, info.sex_code, info.sex_label) == (
        "山田　太郎", "東京都千代田区千代田１－１", date(1980, 2, 17), "1", "男")


def test_given_offset_table_when_encoded_then_offsets_point_at_each_field() -> None:
    raw = _fixture()
    table = raw[6:14]
    offsets = [int.from_bytes(table[i:i + 2], "big") for i in range(0, 8, 2)]
    assert [raw[o:o + 2].hex().upper() for o in offsets] == ["DF22", "DF23", "DF24", "DF25"]
    info = parse_basic_info(raw)
    assert encode_basic_info(info) == raw  # the virtual card lays it out the same way


def test_given_fields_in_other_order_and_unknown_tags_when_parsed_then_by_tag() -> None:
    fields = bytes.fromhex("DF250132" "DF2408") + b"20000101" + bytes.fromhex("DF3001AA") + \
        bytes.fromhex("DF2203") + "花子".encode()[:3] + bytes.fromhex("DF2300") + b"\xff\xff"
    raw = bytes.fromhex("FF20") + bytes([len(fields)]) + fields
    info = parse_basic_info(raw)
    assert (info.sex_label, info.birth, info.name, info.address) == ("女", date(2000, 1, 1),
                                                                      "花", "")


def test_given_long_address_when_encoded_then_long_form_lengths_round_trip() -> None:
    info = BasicInfo("山田　太郎", "北海道" * 60, date(1950, 3, 4), "9")
    raw = encode_basic_info(info)
    assert raw[2] == 0x82 and parse_basic_info(raw + b"\x00" * 8) == info
    assert info.sex_label == "その他・不明" and "personal" in repr(info)


@pytest.mark.parametrize("raw", [b"", bytes.fromhex("FF2010DF2208"), bytes.fromhex("3082"),
                                 bytes.fromhex("FF2003DF2401")])
def test_given_garbage_when_parsed_then_protocol_error(raw: bytes) -> None:
    with pytest.raises(CardProtocolError):
        parse_basic_info(raw)


@settings(deadline=None, max_examples=60)  # no wall-clock deadline: CI machines are shared
@given(st.text(min_size=1, max_size=40), st.text(max_size=120),
       st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
       st.sampled_from(["0", "1", "2", "9"]))
def test_given_any_holder_when_encoded_and_parsed_then_identical(
        name: str, address: str, birth: date, sex: str) -> None:
    info = BasicInfo(name, address, birth, sex)
    assert parse_basic_info(encode_basic_info(info) + b"\xff" * 3) == info


@pytest.mark.parametrize("birth,expected_era,b_number", [
    (date(1980, 2, 17), ("昭和", 55), "55021720352285"),   # confirmed on a JPKI test card
    (date(2020, 2, 24), ("令和", 2), "02022420352285"),
    (date(1989, 1, 7), ("昭和", 64), "64010720352285"),
    (date(1989, 1, 8), ("平成", 1), "01010820352285"),
    (date(2019, 4, 30), ("平成", 31), "31043020352285"),
    (date(2019, 5, 1), ("令和", 1), "01050120352285"),
    (date(1926, 12, 24), ("大正", 15), "15122420352285"),
])
def test_given_gregorian_birth_when_building_collation_b_then_era_yymmdd(
        birth: date, expected_era: tuple[str, int], b_number: str) -> None:
    assert japanese_era(birth) == expected_era
    assert collation_number_b(birth, 2035, "2285") == b_number


@pytest.mark.parametrize("birth,year,code,message", [
    (date(1860, 1, 1), 2035, "2285", "生年月日"),
    (date(1980, 2, 17), 35, "2285", "有効期限"),
    (date(1980, 2, 17), 2035, "22a5", "セキュリティコード"),
    (date(1980, 2, 17), 2035, "228", "セキュリティコード"),
])
def test_given_bad_input_when_building_collation_b_then_japanese_error(
        birth: date, year: int, code: str, message: str) -> None:
    with pytest.raises(InvalidInput) as err:
        collation_number_b(birth, year, code)
    assert message in err.value.message
