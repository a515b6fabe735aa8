"""GIVEN scripted card answers WHEN the APDU channel and TLV parser run
THEN transport conventions (61xx chains, 6Cxx resend) and BER headers are handled exactly."""
from __future__ import annotations

import pytest

from drivers.card import apdu
from drivers.card.apdu import ApduChannel, parse_tlv_header


class Script:
    """Answers from a fixed list and records the commands."""

    def __init__(self, answers: list[tuple[bytes, int]]) -> None:
        self.answers, self.sent = list(answers), []

    def __call__(self, command: bytes) -> tuple[bytes, int]:
        self.sent.append(command.hex().upper())
        return self.answers.pop(0)


def test_given_61xx_chain_when_sending_then_get_response_until_9000() -> None:
    script = Script([(b"", 0x6104), (b"ABCD", 0x6102), (b"EF", 0x9000)])
    channel = ApduChannel(script)
    assert channel.send(apdu.read_binary(0, 6)) == (b"ABCDEF", 0x9000)
    assert script.sent == ["00B0000006", "00C0000004", "00C0000002"] and channel.count == 3


def test_given_6cxx_when_sending_then_resent_once_with_the_card_length() -> None:
    script = Script([(b"", 0x6C10), (b"x" * 16, 0x9000)])
    assert ApduChannel(script).send(apdu.read_binary(0x0100, 256)) == (b"x" * 16, 0x9000)
    assert script.sent == ["00B0010000", "00B0010010"]


def test_given_6cxx_for_a_command_without_le_then_not_resent() -> None:
    script = Script([(b"", 0x6C10)])
    assert ApduChannel(script).send(apdu.select_ef(0x000A)) == (b"", 0x6C10)


@pytest.mark.parametrize("offset,length", [(-1, 1), (0x8000, 1), (0, 0), (0, 257)])
def test_given_out_of_range_read_when_built_then_value_error(offset: int, length: int) -> None:
    with pytest.raises(ValueError):
        apdu.read_binary(offset, length)


@pytest.mark.parametrize("raw,tag,start,length", [
    ("308203A0", 0x30, 4, 0x3A0), ("FF2065", 0xFF20, 3, 0x65), ("DF2181FF", 0xDF21, 4, 0xFF),
    ("5F1F820102", 0x5F1F, 5, 0x102), ("0400", 0x04, 2, 0), ("1F817F03", 0x1F817F, 4, 3),
])
def test_given_ber_headers_when_parsed_then_tag_start_length(raw: str, tag: int, start: int,
                                                             length: int) -> None:
    header = parse_tlv_header(bytes.fromhex(raw))
    assert (header.tag, header.value_start, header.length) == (tag, start, length)


@pytest.mark.parametrize("raw", ["", "30", "3084FFFFFFFF", "3080", "1F81", "3082FF"])
def test_given_broken_headers_when_parsed_then_value_error(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_tlv_header(bytes.fromhex(raw))
