"""`mykey-terminal`: the terminal's command line, for POS / library systems that need the card
and the points without opening the UI. Same config, credential, reader and services as the app.

    mykey-terminal                       start the GUI (terminal_app.app.main)
    mykey-terminal [--json] [--home DIR] COMMAND ...
      card-info ...                      drivers.card.info_cli (the card team's tool)
      register --terminal-id ID [--password-stdin] (--contact FILE.json | --place … --email …)
      info                               this terminal (GET /terminal)
      balances                           read the card -> MyKey ID and usable balances
      lookup                             read the card -> the service ID for this business
      register-service-id --customer-id N [--address-notice --sign-password-stdin]
      spend --point-id P --amount N
      voucher issue --point-id P --amount N --validity-days D | voucher info|redeem|reprint NO
      merge --point-id P --amount N [--shopping-id N]
      report --from YYYY-MM-DD --to YYYY-MM-DD [--csv FILE]
      recheck --idempotency-key KEY      replay a request whose outcome is unknown
      resume                             re-send every pending request
Every mutating command takes --idempotency-key (generated when absent; printed in the output).
With --json stdout carries one JSON object: {"ok": true, "command", "result", ...} or
{"ok": false, "error": {"kind", "code", "message", ...}}. Exit codes (docs/terminal-cli.md):
0 ok, 1 bug (report id), 2 bad input, 3 card/reader, 4 printer/keyboard, 5 cloud refused,
6 cloud unreachable, 7 outcome unknown (run recheck with the key), 8 not registered / keyring /
configuration.
"""
from __future__ import annotations

import argparse
import base64
import dataclasses
import getpass
import json
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from terminal_app.api.errors import CloudError, CloudUnreachable
from terminal_app.config import load_config
from terminal_app.domain.contact import ContactForm
from terminal_app.domain.errors import DeviceError, OutcomeUnknown, UserFacingError
from terminal_app.services.container import Services, build_services
from terminal_app.services.errors import classify
from terminal_app.services.operations import PendingOperation

log = logging.getLogger(__name__)

EXIT_OK, EXIT_BUG, EXIT_INPUT, EXIT_CARD, EXIT_DEVICE = 0, 1, 2, 3, 4
EXIT_REFUSED, EXIT_UNREACHABLE, EXIT_UNKNOWN, EXIT_SETUP = 5, 6, 7, 8
SETUP_CODES = {"not_registered", "keyring_unavailable", "keyring_write_failed",
               "credential_corrupt", "config_invalid", "config_value_invalid",
               "already_registered", "fingerprint_unavailable"}
CONTACT_FIELDS = ("place", "name", "person", "postal_code", "address", "phone", "email",
                  "id_business_id")
MUTATING = {"register-service-id", "spend", "merge", "voucher:issue", "voucher:redeem",
            "voucher:reprint"}
CARD_COMMANDS = {"balances", "lookup", "register-service-id", "spend", "merge", "voucher:issue"}


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list:
        from terminal_app.app import main as gui_main
        return int(gui_main() or 0)
    if args_list[0] == "card-info":
        from drivers.card.info_cli import main as card_info
        return card_info(args_list[1:])
    args = parse(args_list)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    return run(args)


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """Parse `argv`; --json may also come after the command."""
    wants_json = "--json" in argv
    args = build_parser().parse_args([a for a in argv if a != "--json"])
    args.json = wants_json
    return args


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mykey-terminal",
                                     description="マイキープラットフォーム等活用ソフト（コマンド）")
    parser.add_argument("--json", action="store_true", help="JSON で出力する")
    parser.add_argument("--home", type=Path, help="データフォルダ（MYKEY_HOME より優先）")
    parser.add_argument("--wait-card", type=float, default=0.0, metavar="SECONDS",
                        help="カードが置かれるまで最大この秒数待ってから読み取る（既定: 待たない）")
    sub = parser.add_subparsers(dest="command", required=True)
    _register_parser(sub.add_parser("register", help="端末の登録（画面9/10）"))
    sub.add_parser("info", help="この端末の情報")
    sub.add_parser("balances", help="カード読取→残高")
    sub.add_parser("lookup", help="カード読取→サービスID")
    p = _with_key(sub.add_parser("register-service-id", help="サービスIDの登録"))
    p.add_argument("--customer-id", required=True)
    p.add_argument("--address-notice", action="store_true")
    p.add_argument("--sign-password-stdin", action="store_true")
    for name in ("spend", "merge"):
        p = _with_key(sub.add_parser(name, help="ポイント利用" if name == "spend" else "合算"))
        _point_args(p)
        p.add_argument("--print", action="store_true", help="レシートを印字する")
        if name == "merge":
            p.add_argument("--shopping-id", help="商店街ポイントカードの番号で読む")
    _voucher_parser(sub.add_parser("voucher", help="ポイント券"))
    p = sub.add_parser("report", help="自治体ポイント集計（画面87）")
    p.add_argument("--from", dest="start", required=True)
    p.add_argument("--to", dest="end", required=True)
    p.add_argument("--csv", type=Path)
    sub.add_parser("recheck", help="再確認").add_argument("--idempotency-key", required=True)
    sub.add_parser("resume", help="未送信の要求を再送する")
    return parser


def _with_key(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--idempotency-key", help="冪等キー（省略時は自動生成）")
    return parser


def _point_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--point-id", required=True)
    parser.add_argument("--amount", required=True)


def _register_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("--terminal-id", required=True)
    p.add_argument("--password-stdin", action="store_true",
                   help="端末パスワードを標準入力から読む（省略時は入力を求める）")
    p.add_argument("--contact", type=Path, help="連絡先 JSON ファイル")
    for name in CONTACT_FIELDS:
        p.add_argument("--" + name.replace("_", "-"))


def _voucher_parser(p: argparse.ArgumentParser) -> None:
    vsub = p.add_subparsers(dest="action", required=True)
    issue = _with_key(vsub.add_parser("issue"))
    _point_args(issue)
    issue.add_argument("--validity-days", required=True)
    issue.add_argument("--print", action="store_true")
    vsub.add_parser("info").add_argument("voucher_no")
    for action in ("redeem", "reprint"):
        q = _with_key(vsub.add_parser(action))
        q.add_argument("voucher_no")
        q.add_argument("--print", action="store_true")


# -- running ------------------------------------------------------------------------------
def run(args: argparse.Namespace, services: Services | None = None) -> int:
    """Run one parsed command; prints the result or the error; returns the exit code."""
    command = args.command + (f":{args.action}" if getattr(args, "action", None) else "")
    key = None
    if command in MUTATING or command == "recheck":
        key = getattr(args, "idempotency_key", None)
    try:
        # one operation per process: a retry passes the earlier try's key (--idempotency-key)
        key = PendingOperation(key).key(command) if command in MUTATING else key
        services = services or build_services(_config(args))
        if args.wait_card > 0 and reads_card(command, args):
            services.cards.wait_for_card(args.wait_card)
        result = COMMANDS[command](services, args, key)
    except BaseException as exc:
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return _fail(args, command, exc, key)
    _emit(args, {"ok": True, "command": command, "idempotency_key": key,
                 "result": jsonable(result)})
    return EXIT_OK


def reads_card(command: str, args: argparse.Namespace) -> bool:
    """Commands that read the My Number card in the reader (a shopping card number does not)."""
    if command == "merge":
        return not getattr(args, "shopping_id", None)
    return command in CARD_COMMANDS


def _config(args: argparse.Namespace) -> Any:
    import os

    env = dict(os.environ)
    if args.home:
        env["MYKEY_HOME"] = str(args.home)
    return load_config(env=env)


def _fail(args: argparse.Namespace, command: str, exc: BaseException, key: str | None) -> int:
    sorted_ = classify(exc)
    error: dict[str, Any] = {"kind": sorted_.kind, "code": sorted_.code,
                             "message": sorted_.message}
    if isinstance(exc, CloudError):
        error["status"] = exc.status
    if sorted_.report_id:
        error["report_id"] = sorted_.report_id
    if isinstance(exc, OutcomeUnknown):
        error["idempotency_key"] = exc.key
    if isinstance(exc, UserFacingError) and hasattr(exc, "errors") and \
            isinstance(exc.errors, dict):
        error["fields"] = exc.errors
    payload: dict[str, Any] = {"ok": False, "command": command, "idempotency_key": key,
                               "error": error}
    if isinstance(exc, PrintFailed):
        payload["result"] = jsonable(exc.result)
    _emit(args, payload, failed=True)
    return exit_code(exc)


def exit_code(exc: BaseException) -> int:
    if isinstance(exc, OutcomeUnknown):
        return EXIT_UNKNOWN
    if isinstance(exc, CloudUnreachable):
        return EXIT_UNREACHABLE
    if isinstance(exc, CloudError):
        return EXIT_SETUP if exc.code == "not_registered" else EXIT_REFUSED
    if isinstance(exc, DeviceError):
        return EXIT_CARD if exc.device == "card" else EXIT_DEVICE
    if isinstance(exc, UserFacingError):
        return EXIT_SETUP if exc.code in SETUP_CODES else EXIT_INPUT
    return EXIT_BUG


def _emit(args: argparse.Namespace, payload: dict[str, Any], failed: bool = False) -> None:
    if args.json:
        print(json.dumps(payload, ensure_ascii=False))
        return
    if failed:
        if "result" in payload:   # applied, then the printer failed
            _print_human(payload["result"])
        print(payload["error"]["message"], file=sys.stderr)
        if payload["error"].get("idempotency_key"):
            print(f"冪等キー: {payload['error']['idempotency_key']}", file=sys.stderr)
        return
    _print_human(payload["result"])
    if payload.get("idempotency_key"):
        print(f"冪等キー: {payload['idempotency_key']}")


def _print_human(value: Any, indent: str = "") -> None:
    if isinstance(value, dict):
        for name, item in value.items():
            if isinstance(item, (dict, list)):
                print(f"{indent}{name}:")
                _print_human(item, indent + "  ")
            else:
                print(f"{indent}{name}: {item}")
    elif isinstance(value, list):
        for item in value:
            _print_human(item, indent + "- ")
    else:
        print(f"{indent}{value}")


def jsonable(value: Any) -> Any:
    """Dataclasses, dates and bytes as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, Path):
        return str(value)
    return value


# -- commands -----------------------------------------------------------------------------
def _read_secret(from_stdin: bool, prompt: str) -> str:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return getpass.getpass(prompt)


def _contact_form(args: argparse.Namespace) -> ContactForm:
    data: dict[str, Any] = {}
    if args.contact:
        try:
            data = json.loads(args.contact.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UserFacingError("contact_file_invalid", path=str(args.contact)) from exc
    data.update({k: getattr(args, k) for k in CONTACT_FIELDS if getattr(args, k) is not None})
    postal = str(data.get("postal_code") or "").replace("-", "")
    email = str(data.get("email") or "")
    return ContactForm(str(data.get("place") or ""), str(data.get("name") or ""),
                       str(data.get("person") or ""), postal[:3], postal[3:],
                       str(data.get("address") or ""), str(data.get("phone") or ""), email,
                       str(data.get("email_confirm") or email), data.get("id_business_id"))


def cmd_register(s: Services, args: argparse.Namespace, key: str | None) -> Any:
    form = _contact_form(args)
    password = _read_secret(args.password_stdin, "端末パスワード: ")
    return s.registration.register(args.terminal_id, password, form)


def cmd_service_id(s: Services, args: argparse.Namespace, key: str | None) -> Any:
    card = s.cards.read()
    password = _read_secret(args.sign_password_stdin, "署名用電子証明書のパスワード: ") \
        if args.address_notice else None
    return s.service_ids.register(card, args.customer_id, address_notice=args.address_notice,
                                  sign_password=password, key=key)


class PrintFailed(DeviceError):
    """The printer failed after the operation was applied: the error carries its result."""

    def __init__(self, error: DeviceError, result: Any) -> None:
        super().__init__(error.device, error.code, error.message)
        self.result = result


def _printed(s: Services, args: argparse.Namespace, result: Any) -> Any:
    if getattr(args, "print", False):
        try:
            s.receipts.print(result)
        except DeviceError as exc:   # applied all the same: the POS must learn the txn_no
            raise PrintFailed(exc, result) from exc
    return result


def cmd_spend(s: Services, args: argparse.Namespace, key: str | None) -> Any:
    card = s.cards.read()
    return _printed(s, args, s.points.spend(card, args.point_id, args.amount, key=key))


def cmd_merge(s: Services, args: argparse.Namespace, key: str | None) -> Any:
    card = s.cards.read_shopping(args.shopping_id) if args.shopping_id else s.cards.read()
    return _printed(s, args, s.points.merge(card, args.point_id, args.amount, key=key))


def cmd_voucher_issue(s: Services, args: argparse.Namespace, key: str | None) -> Any:
    card = s.cards.read()
    return _printed(s, args, s.vouchers.issue(card, args.point_id, args.amount,
                                              args.validity_days, key=key))


def cmd_report(s: Services, args: argparse.Namespace, key: str | None) -> Any:
    report = s.reports.place(args.start, args.end)
    if args.csv:
        s.reports.save_csv(args.start, args.end, args.csv)
    return report


def cmd_resume(s: Services, args: argparse.Namespace, key: str | None) -> Any:
    return [{"idempotency_key": r.key, "path": r.path,
             "status": r.response.status if r.response else None}
            for r in s.recheck.resume_pending()]


Command = Callable[[Services, argparse.Namespace, "str | None"], Any]
COMMANDS: dict[str, Command] = {
    "register": cmd_register,
    "info": lambda s, a, k: s.registration.terminal_info(refresh=True),
    "balances": lambda s, a, k: s.cards.read(),
    "lookup": lambda s, a, k: s.service_ids.read_and_lookup(),
    "register-service-id": cmd_service_id,
    "spend": cmd_spend,
    "merge": cmd_merge,
    "voucher:issue": cmd_voucher_issue,
    "voucher:info": lambda s, a, k: s.vouchers.info(a.voucher_no),
    "voucher:redeem": lambda s, a, k: _printed(s, a, s.vouchers.redeem(a.voucher_no, key=k)),
    "voucher:reprint": lambda s, a, k: _printed(s, a, s.vouchers.reprint(a.voucher_no, key=k)),
    "report": cmd_report,
    "recheck": lambda s, a, k: s.recheck.recheck(a.idempotency_key),
    "resume": cmd_resume,
}

if __name__ == "__main__":
    sys.exit(main())
