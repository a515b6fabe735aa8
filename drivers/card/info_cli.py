"""`card-info`: read a My Number card and print its user-authentication certificate's serial
(decimal and upper-case hex) and expiry; optionally verify the PIN and read the 基本4情報.

    card-info [--reader KIND:PATH] [--pin] [--basic-info] [--json]

The reader defaults to $MYKEY_READER, else "pcsc". `--pin` asks for the 4-digit auth PIN
(getpass on a terminal, else one line from stdin) and reports the tries left; `--basic-info`
asks the same way for the 4-digit text-AP PIN or the 14-digit 照合番号B (the length decides).
Works with any card that follows the JPKI protocol. With `--json` stdout carries exactly one
JSON object: {"ok": true, "auth_cert": {...}, "pin": {...}, "basic_info": {...}} or
{"ok": false, "error": "<kind>", "message": "<Japanese>", ...}.

Exit codes (also in docs/card-info.md):
    0  success
    2  bad input (PIN / 照合番号B format, reader spec, usage)
    3  reader service not available (pcscd stopped, pyscard missing)   error "reader_unavailable"
    4  no reader attached / no reader of that name                      error "no_reader"
    5  no card in the reader, or removed during the read    error "no_card" / "card_removed"
    6  not a My Number card                                            error "not_mynumber_card"
    7  wrong PIN / 照合番号B (tries_left in the JSON)                  error "wrong_pin"
    8  PIN / 照合番号B blocked (市区町村窓口で解除)                      error "pin_blocked"
    9  card communication error or card busy               error "protocol_error" / "card_busy"
"""
from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

from drivers.card.errors import (
    CardError,
    CardRemoved,
    InvalidInput,
    NoCard,
    NoReader,
    NotMyNumberCard,
    PinBlocked,
    ReaderUnavailable,
    WrongPin,
)
from drivers.card.jpki import MyNumberCard
from drivers.card.reader import open_reader

log = logging.getLogger(__name__)

JST = timezone(timedelta(hours=9), "JST")
EXIT_CODES: dict[type[CardError], int] = {
    InvalidInput: 2, ReaderUnavailable: 3, NoReader: 4, NoCard: 5, CardRemoved: 5,
    NotMyNumberCard: 6, WrongPin: 7, PinBlocked: 8,
}
EXIT_OTHER_CARD_ERROR = 9


def main(argv: list[str] | None = None) -> int:
    """Run card-info; returns the exit code."""
    args = _parser().parse_args(argv)
    result: dict[str, Any] = {"ok": True}
    try:
        _run(args, result)
    except CardError as exc:
        return _fail(args, result, exc)
    _emit(args, result)
    return 0


def _run(args: argparse.Namespace, result: dict[str, Any]) -> None:
    spec = args.reader or os.environ.get("MYKEY_READER") or "pcsc"
    result["reader"] = spec
    reader = open_reader(spec)
    with reader.connect() as conn:
        card = MyNumberCard(conn)
        cert = card.read_auth_certificate()
        result["auth_cert"] = {"serial": cert.serial, "serial_hex": cert.serial_hex,
                               "not_after": cert.not_after.isoformat()}
        if args.pin:
            _verify_pin(card, result)
        if args.basic_info:
            _basic_info(card, result)


def _verify_pin(card: MyNumberCard, result: dict[str, Any]) -> None:
    left = card.auth_pin_tries_left()
    if left == 0:
        raise PinBlocked()
    pin = _ask(f"利用者証明用暗証番号（数字4桁、残り{left}回）: ")
    card.verify_auth_pin(pin)
    result["pin"] = {"verified": True, "tries_left": card.auth_pin_tries_left()}


def _basic_info(card: MyNumberCard, result: dict[str, Any]) -> None:
    secret = _ask("券面事項入力補助用暗証番号（4桁）または照合番号B（14桁）: ")
    if len(secret) == 14:
        info = card.read_basic_info(collation_b=secret)
    else:
        info = card.read_basic_info(pin=secret)
    result["basic_info"] = {"name": info.name, "address": info.address,
                            "birth": info.birth.isoformat(), "sex": info.sex_code,
                            "sex_label": info.sex_label}


def _ask(prompt: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    print(prompt, end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline().strip()
    print(file=sys.stderr)  # the typed line is not echoed: end the prompt line ourselves
    return answer


def _fail(args: argparse.Namespace, result: dict[str, Any], exc: CardError) -> int:
    code = next((c for kind, c in EXIT_CODES.items() if isinstance(exc, kind)),
                EXIT_OTHER_CARD_ERROR)
    result.update(ok=False, error=exc.code, message=exc.message)
    if isinstance(exc, WrongPin):
        result["tries_left"] = exc.tries_left
    log.info("card-info failed: %s", exc.code)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        _emit(args, result)
        print(f"エラー: {exc.message}", file=sys.stderr)
    return code


def _emit(args: argparse.Namespace, result: dict[str, Any]) -> None:
    if args.json:
        if result["ok"]:
            print(json.dumps(result, ensure_ascii=False))
        return
    for line in _lines(result):
        print(line)


def _lines(result: dict[str, Any]) -> list[str]:
    out: list[str] = []
    cert = result.get("auth_cert")
    if cert:
        expiry = datetime.fromisoformat(cert["not_after"]).astimezone(JST)
        out += [(f"発行番号（利用者証明用電子証明書のシリアル番号）: {cert['serial']}"
                f"（16進 {cert['serial_hex']}）"),
                f"有効期限: {expiry:%Y-%m-%d %H:%M:%S} JST"]
    if "pin" in result:
        out.append(f"暗証番号: 照合しました（残り{result['pin']['tries_left']}回）")
    info = result.get("basic_info")
    if info:
        out += [f"氏名: {info['name']}", f"住所: {info['address']}",
                f"生年月日: {info['birth']}", f"性別: {info['sex_label']}"]
    return out


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="card-info", description=__doc__.splitlines()[0])
    p.add_argument("--reader", help="KIND:PATH, e.g. pcsc, pcsc:<name>, virtual:<card file>")
    p.add_argument("--pin", action="store_true", help="verify the 4-digit auth PIN")
    p.add_argument("--basic-info", action="store_true", help="read the 基本4情報")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    return p


if __name__ == "__main__":
    sys.exit(main())
