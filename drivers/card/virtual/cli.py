"""`mykey-virtual-card`: make a test JPKI CA, issue / revoke / re-issue virtual My Number cards,
and serve a card behind a real, isolated pcscd + vpcd.

    mykey-virtual-card ca new DIR
    mykey-virtual-card new --ca DIR --name 山田　太郎 --birth 1980-02-17 --address … --sex 1 \
        --pin 1234 --sign-password ABC123 [--serial N] [--no-sign-cert] OUT.json
    mykey-virtual-card serve CARD.json [--delay-ms 15]
    mykey-virtual-card revoke --ca DIR SERIAL [--kind auth|sign]
    mykey-virtual-card reissue --ca DIR CARD.json [--serial N]
Exit codes: 0 done, 2 bad input, 3 the PC/SC lab cannot run here.
"""
from __future__ import annotations

import argparse
import logging
import re
import sys
import threading
from datetime import date
from pathlib import Path

from cryptography import x509

from drivers.card.errors import CardError, InvalidInput
from drivers.card.messages import message
from drivers.card.virtual.ca import create_ca, issue_card, load_ca, reissue_card
from drivers.card.virtual.card_file import CardDocument, load_card, save_card
from drivers.card.virtual.cert_builder import Holder

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    """Entry point (declared in pyproject as mykey-virtual-card)."""
    args = _parser().parse_args(argv)
    try:
        return int(args.func(args))
    except CardError as exc:
        print(f"エラー: {exc.message}", file=sys.stderr)
        return 2


def _ca_new(args: argparse.Namespace) -> int:
    create_ca(Path(args.dir))
    print(f"テスト用JPKI認証局を作成しました: {args.dir}")
    return 0


def _new(args: argparse.Namespace) -> int:
    holder = Holder(args.name, args.address, _birth(args.birth), _sex(args.sex))
    _pin(args.pin)
    password = None if args.no_sign_cert else _password(args.sign_password)
    doc = issue_card(load_ca(Path(args.ca)), holder, pin=args.pin, sign_password=password,
                     serial=args.serial, card_expiry_year=args.card_expiry_year,
                     security_code=args.security_code)
    save_card(doc, Path(args.out))
    serial = _auth_serial(doc)
    print(f"発行番号 {serial} (0x{serial:X}) 照合番号B {doc.keys['collation_b'].value} -> {args.out}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from drivers.card.virtual.lab import PcscLab, unavailable_reason
    reason = unavailable_reason()
    if reason:
        print(f"PC/SC ラボを起動できません: {reason}", file=sys.stderr)
        return 3
    load_card(Path(args.card))  # fail early, in Japanese, on a bad file
    with PcscLab(delay_ms=args.delay_ms) as lab:
        lab.insert(Path(args.card))
        print(f"export PCSCLITE_CSOCK_NAME={lab.csock_name}", flush=True)
        print(f"リーダー: {lab.reader_name}（Ctrl-C で終了）", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


def _revoke(args: argparse.Namespace) -> int:
    load_ca(Path(args.ca)).revoke(args.serial, args.kind)
    print(f"失効リストに追加しました: {args.serial} ({args.kind})")
    return 0


def _reissue(args: argparse.Namespace) -> int:
    doc = load_card(Path(args.card))
    old, new = reissue_card(load_ca(Path(args.ca)), doc, serial=args.serial)
    save_card(doc, Path(args.card))
    print(f"再発行しました: {old} -> {new}（succession.csv に記録）")
    return 0


def _auth_serial(doc: CardDocument) -> int:
    assert doc.auth is not None
    return x509.load_pem_x509_certificate(doc.auth["cert_pem"].encode()).serial_number


def _birth(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(message("bad_birth_date")) from exc


def _sex(value: str) -> str:
    if value not in ("0", "1", "2", "9"):
        raise InvalidInput("性別は 1（男）/ 2（女）/ 9（適用不能）/ 0（不明）で指定してください。")
    return value


def _pin(value: str) -> None:
    if not re.fullmatch(r"[0-9]{4}", value):
        raise InvalidInput(message("bad_pin_format"))


def _password(value: str | None) -> str:
    if value is None or not re.fullmatch(r"(?=.*[A-Z])(?=.*[0-9])[A-Z0-9]{6,16}", value):
        raise InvalidInput(message("bad_password_format"))
    return value


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mykey-virtual-card", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(required=True)
    ca = sub.add_parser("ca").add_subparsers(required=True).add_parser("new")
    ca.add_argument("dir")
    ca.set_defaults(func=_ca_new)
    new = sub.add_parser("new")
    for flag in ("--ca", "--name", "--birth", "--address", "--sex", "--pin"):
        new.add_argument(flag, required=True)
    new.add_argument("--sign-password")
    new.add_argument("--no-sign-cert", action="store_true")
    new.add_argument("--serial", type=int)
    new.add_argument("--card-expiry-year", type=int)
    new.add_argument("--security-code")
    new.add_argument("out")
    new.set_defaults(func=_new)
    serve = sub.add_parser("serve")
    serve.add_argument("card")
    serve.add_argument("--delay-ms", type=float, default=0.0)
    serve.set_defaults(func=_serve)
    revoke = sub.add_parser("revoke")
    revoke.add_argument("--ca", required=True)
    revoke.add_argument("--kind", choices=("auth", "sign"), default="auth")
    revoke.add_argument("serial", type=int)
    revoke.set_defaults(func=_revoke)
    reissue = sub.add_parser("reissue")
    reissue.add_argument("--ca", required=True)
    reissue.add_argument("--serial", type=int)
    reissue.add_argument("card")
    reissue.set_defaults(func=_reissue)
    return p


if __name__ == "__main__":
    sys.exit(main())
