"""GIVEN an ESC/POS byte stream WHEN the emulator parses it in any chunking THEN it decodes
the same text, codes and cuts, and answers status requests in place."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.printer import (
    Document,
    EscPosRenderer,
    ServiceIdLabel,
    Text,
    receipt_point_use,
    service_id_label,
)
from drivers.printer.document import wrap
from drivers.printer.emulator.paper import PaperBuilder
from drivers.printer.emulator.parser import EscPosParser, decode_code128
from drivers.printer.profile import load_profile
from tests.drivers.printer.factories import point_use


class Recorder(PaperBuilder):
    def __init__(self) -> None:
        super().__init__(576)
        self.cuts: list[bytes] = []

    def cut(self, raw: bytes) -> None:
        self.newline()
        self.cuts.append(raw)


def _parse(chunks: list[bytes]) -> tuple[Recorder, list[bytes]]:
    rec, sent = Recorder(), list[bytes]()
    parser = EscPosParser(rec, lambda n: bytes([0x12]), sent.append)
    for chunk in chunks:
        parser.feed(chunk)
    return rec, sent


STREAM = (EscPosRenderer(load_profile("tm-t88-kanji")).render(receipt_point_use(point_use()))
          + b"\x10\x04\x01"
          + EscPosRenderer(load_profile("tm-t88-kanji")).render(
              service_id_label(ServiceIdLabel("図書館", "LIB-0042", "code39"))))


def test_whole_stream_decodes_text_codes_and_cuts() -> None:
    rec, sent = _parse([STREAM])
    assert "[ポイント残高]" in rec.lines and "1,230ポイント" in rec.lines
    assert rec.codes == [("code39", "LIB-0042")]
    assert len(rec.cuts) == 2 and b"".join(rec.cuts) == STREAM
    assert sent == [b"\x12"] and rec.unknowns == []


@settings(max_examples=25, deadline=None, database=None)
@given(st.lists(st.integers(min_value=1, max_value=len(STREAM) - 1), max_size=12))
def test_any_split_of_the_stream_decodes_the_same(cuts: list[int]) -> None:
    points = sorted(set(cuts))
    chunks = [STREAM[a:b] for a, b in zip([0, *points], [*points, len(STREAM)])]
    rec, sent = _parse(chunks)
    whole, _ = _parse([STREAM])
    assert rec.lines == whole.lines and rec.codes == whole.codes and sent == [b"\x12"]


def test_unknown_commands_are_recorded_not_fatal() -> None:
    rec, _ = _parse([b"\x1b@\x1bZtext\n"])
    assert rec.unknowns == [b"\x1bZ"] and rec.lines == ["text"]


def test_stray_control_bytes_do_not_stall_the_stream() -> None:
    rec, _ = _parse([b"A\x7fB\x0cC\n", b"\x1b"])
    assert rec.lines == ["ABC"] and rec.unknowns == [b"\x7f", b"\x0c"]
    rec2, _ = _parse([b"\x1c&" + "残".encode("cp932")[:1], "残".encode("cp932")[1:] + b"\n"])
    assert rec2.lines == ["残"]


@pytest.mark.parametrize(("sent", "text"), [
    ("{BAB{{CD", "AB{CD"), ("{C\x0c\x22\x38", "123456"), ("{B#{C\x07", "#07")])
def test_code128_code_sets_are_decoded_like_the_printer(sent: str, text: str) -> None:
    assert decode_code128(sent) == text


def test_single_byte_katakana_and_ascii_outside_kanji_mode() -> None:
    rec, _ = _parse([b"\x1bt\x01" + "ｱｲｳ ABC".encode("cp932") + b"\n"])
    assert rec.lines == ["ｱｲｳ ABC"]


JIS_TEXT = st.text(alphabet=st.sampled_from(
    "ぁあいうえおかがきアイウエオヴー漢字市町村商店街券番号残高利用発行認印ｱｲｳｴｵﾊﾟ"
    "0123456789ABCXYZabcxyz -:,.()[]★※￥～！？　"), min_size=1, max_size=60)


@settings(max_examples=40, deadline=None, database=None)
@given(st.lists(st.tuples(JIS_TEXT, st.integers(1, 3), st.booleans(),
                          st.sampled_from(["left", "center", "right"])), min_size=1, max_size=6))
def test_any_japanese_text_round_trips_through_kanji_mode(paragraphs) -> None:  # type: ignore[no-untyped-def]
    """GIVEN arbitrary Japanese paragraphs WHEN rendered in kanji mode and parsed back THEN the
    printed lines are exactly the wrapped paragraphs."""
    profile = load_profile("tm-t88-kanji")
    blocks = [Text(t, size=s, bold=b, align=a) for t, s, b, a in paragraphs]
    rec, _ = _parse([EscPosRenderer(profile).render(Document("t", list(blocks)))])
    expected = [line for blk in blocks for line in wrap(blk.text, profile.width_chars // blk.size)]
    assert rec.lines == expected and rec.unknowns == []


def test_yen_and_wave_dash_are_printed_in_their_jis_forms() -> None:
    assert Text("¥500〜").text == "￥500～"
    rec, _ = _parse([EscPosRenderer(load_profile("tm-t88-kanji")).render(
        Document("t", [Text("¥500〜1,000")]))])
    assert rec.lines == ["￥500～1,000"]
