"""GIVEN an ESC/POS byte stream WHEN the emulator parses it in any chunking THEN it decodes
the same text, codes and cuts, and answers status requests in place."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.printer import EscPosRenderer, ServiceIdLabel, receipt_point_use, service_id_label
from drivers.printer.emulator_paper import PaperBuilder
from drivers.printer.emulator_parser import EscPosParser, decode_code128
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
