"""GIVEN card-info WHEN run against cards, wrong PINs and missing readers
THEN it prints the facts (or one JSON object) and the documented exit code."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from drivers.card.info_cli import main

from .card_data import ADULT_SERIAL, COLLATION_B, PIN, CardFactory


def _run(argv: list[str], capsys, monkeypatch, stdin: str = "") -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_given_card_when_card_info_then_serial_decimal_hex_and_expiry(
        card_file: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(["--reader", f"virtual:{card_file}"], capsys, monkeypatch)
    assert code == 0
    assert f"{ADULT_SERIAL}（16進 1A2B3C）" in out and "有効期限: " in out and " JST" in out


def test_given_env_reader_and_json_when_pin_and_basic_info_then_one_object(
        card_file: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MYKEY_READER", f"virtual:{card_file}")
    code, out, err = _run(["--json", "--pin", "--basic-info"], capsys, monkeypatch,
                          stdin=f"{PIN}\n{COLLATION_B}\n")
    data = json.loads(out)
    assert code == 0 and out.count("\n") == 1 and PIN not in out + err
    assert data["auth_cert"]["serial"] == ADULT_SERIAL and data["auth_cert"]["serial_hex"] == "1A2B3C"
    assert data["pin"] == {"verified": True, "tries_left": 3}
    assert data["basic_info"]["name"] == "山田　太郎" and data["basic_info"]["sex_label"] == "男"
    assert "残り3回" in err  # the prompt shows the tries left before asking


def test_given_wrong_pin_when_json_then_exit_7_and_tries_left(
        card_file: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(["--reader", f"virtual:{card_file}", "--json", "--pin"], capsys,
                        monkeypatch, stdin="0000\n")
    data = json.loads(out)
    assert (code, data["ok"], data["error"], data["tries_left"]) == (7, False, "wrong_pin", 2)
    assert "あと2回" in data["message"] and data["auth_cert"]["serial"] == ADULT_SERIAL


def test_given_blocked_pin_when_pin_asked_then_exit_8_without_prompt(
        card_file: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(card_file.read_text(encoding="utf-8"))
    data["keys"]["auth_pin"]["tries_left"] = 0
    card_file.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = _run(["--reader", f"virtual:{card_file}", "--pin"], capsys, monkeypatch)
    assert code == 8 and "市区町村窓口" in err and "暗証番号（" not in err
    assert "発行番号" in out


@pytest.mark.parametrize("reader_spec,card,code,kind", [
    ("virtual:", None, 5, "no_card"),
    ("virtual:{file}", {"kind": "blank"}, 6, "not_mynumber_card"),
    ("virtual:{file}", {"token_label": "JPKIAPICCTOKEN"}, 6, "not_mynumber_card"),
    ("floppy:a", None, 2, "invalid_input"),
])
def test_given_failure_kinds_when_json_then_documented_exit_codes(
        make_card: CardFactory, capsys, monkeypatch, reader_spec: str, card: dict | None,
        code: int, kind: str) -> None:  # type: ignore[no-untyped-def]
    spec = reader_spec.format(file=make_card(card=card)) if card else reader_spec
    rc, out, _ = _run(["--reader", spec, "--json"], capsys, monkeypatch)
    data = json.loads(out)
    assert (rc, data["error"], data["ok"]) == (code, kind, False) and data["message"]


def test_given_malformed_pin_on_stdin_when_pin_then_exit_2_and_counter_untouched(
        card_file: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(["--reader", f"virtual:{card_file}", "--json", "--pin"], capsys,
                        monkeypatch, stdin="12\n")
    assert code == 2 and json.loads(out)["error"] == "invalid_input"
    assert json.loads(card_file.read_text(encoding="utf-8"))["keys"]["auth_pin"]["tries_left"] == 3


def test_given_no_pcsc_service_when_card_info_then_exit_3(tmp_path: Path) -> None:
    """Runs in a child: libpcsclite reads PCSCLITE_CSOCK_NAME once per process."""
    env = {**os.environ, "PCSCLITE_CSOCK_NAME": str(tmp_path / "no-pcscd.comm")}
    env.pop("MYKEY_READER", None)
    proc = subprocess.run([sys.executable, "-m", "drivers.card.info_cli", "--json"],
                          env=env, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL, check=False)
    data = json.loads(proc.stdout)
    assert (proc.returncode, data["error"]) == (3, "reader_unavailable")
    assert "カードリーダーのサービスが利用できません" in data["message"]
