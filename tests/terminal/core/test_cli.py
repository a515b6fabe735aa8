"""GIVEN the mykey-terminal command WHEN run without a usable setup THEN it prints one JSON
error object and the documented exit code (no cloud needed for these)."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from terminal_app import cli
from terminal_app.api.errors import CloudError, CloudUnreachable
from terminal_app.domain.errors import DeviceError, OutcomeUnknown, UserFacingError


def run_cli(home: Path, *argv: str, env: dict[str, str] | None = None,
            stdin: str = "") -> tuple[int, dict]:  # type: ignore[type-arg]
    full_env = {**os.environ, "MYKEY_HOME": str(home), **(env or {})}
    done = subprocess.run([sys.executable, "-m", "terminal_app.cli", *argv], input=stdin,
                          capture_output=True, text=True, env=full_env, timeout=60, check=False)
    return done.returncode, json.loads(done.stdout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unregistered_terminal_exits_8_with_a_japanese_message(home: Path) -> None:
    code, out = run_cli(home, "info", "--json")
    assert code == cli.EXIT_SETUP
    assert out["ok"] is False and out["error"]["code"] == "not_registered"
    assert "登録されていません" in out["error"]["message"]


def test_bad_idempotency_key_exits_2(home: Path) -> None:
    code, out = run_cli(home, "--json", "spend", "--point-id", "00000001", "--amount", "-5",
                        "--idempotency-key", "bad")
    assert code == cli.EXIT_INPUT and out["error"]["code"] == "idempotency_key_format"


def test_register_with_an_unreachable_cloud_exits_6(home: Path) -> None:
    contact = home / "contact.json"
    contact.write_text(json.dumps({"place": "高津図書館", "name": "1台目", "person": "川崎太郎",
                                   "postal_code": "213-0001", "address": "川崎市高津区溝口1-1",
                                   "phone": "044-123-4567", "email": "t@example.jp",
                                   "id_business_id": "000001"}, ensure_ascii=False))
    code, out = run_cli(home, "--json", "register", "--terminal-id", "00052459",
                        "--password-stdin", "--contact", str(contact), stdin="e912kfja\n",
                        env={"MYKEY_CLOUD_URL": f"http://127.0.0.1:{free_port()}",
                             "MYKEY_HTTP_TIMEOUT_S": "2"})
    assert code == cli.EXIT_UNREACHABLE and out["error"]["code"] == "cloud_unreachable"


def test_bad_config_exits_8(home: Path) -> None:
    (home / "config.json").write_text("{broken")
    code, out = run_cli(home, "--json", "info")
    assert code == cli.EXIT_SETUP and out["error"]["code"] == "config_invalid"


def test_usage_error_exits_2(home: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "terminal_app.cli", "spend"],
                          capture_output=True, text=True, timeout=60, check=False,
                          env={**os.environ, "MYKEY_HOME": str(home)})
    assert done.returncode == 2


@pytest.mark.parametrize("exc, code", [
    (OutcomeUnknown("k" * 8), cli.EXIT_UNKNOWN),
    (CloudUnreachable(), cli.EXIT_UNREACHABLE),
    (CloudError("insufficient_balance", "不足", 422), cli.EXIT_REFUSED),
    (DeviceError("card", "no_card", "カードがありません"), cli.EXIT_CARD),
    (DeviceError("printer", "paper_out", "用紙がありません"), cli.EXIT_DEVICE),
    (UserFacingError("amount_format"), cli.EXIT_INPUT),
    (UserFacingError("keyring_unavailable"), cli.EXIT_SETUP),
    (RuntimeError("bug"), cli.EXIT_BUG),
])
def test_exit_code_per_failure_kind(exc: BaseException, code: int) -> None:
    assert cli.exit_code(exc) == code


def test_json_may_follow_the_command() -> None:
    args = cli.parse(["voucher", "info", "987654321012", "--json"])
    assert args.json and args.action == "info" and args.voucher_no == "987654321012"


def test_a_printer_failure_after_a_spend_still_reports_the_spend(capsys) -> None:  # type: ignore[no-untyped-def]
    """GIVEN `spend --print` whose spend is applied and whose printer is out of paper WHEN it
    ends THEN exit 4 with the printer's message, and the output still carries the spend's
    result (txn_no): a POS must not take an applied use for a failed one. (The services here
    stand in for the cloud and the printer: this is the command's output contract.)"""
    from datetime import datetime, timedelta, timezone
    from types import SimpleNamespace

    from terminal_app.domain.models import Receipt

    receipt = Receipt("2026112300001", "10000001", "00000001", "川崎市ポイント", 500, 1230,
                      datetime(2026, 11, 23, 12, 0, tzinfo=timezone(timedelta(hours=9))))

    def out_of_paper(_: object) -> None:
        raise DeviceError("printer", "paper_out", "用紙がありません")

    services = SimpleNamespace(
        cards=SimpleNamespace(read=lambda: object()),
        points=SimpleNamespace(spend=lambda card, point_id, amount, key=None: receipt),
        receipts=SimpleNamespace(print=out_of_paper))
    args = cli.parse(["spend", "--point-id", "00000001", "--amount", "500", "--print", "--json"])
    assert cli.run(args, services) == cli.EXIT_DEVICE   # type: ignore[arg-type]
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False and out["error"]["code"] == "paper_out"
    assert out["result"]["txn_no"] == "2026112300001" and out["idempotency_key"]
