"""GIVEN the real cloud and a virtual card WHEN a POS calls `mykey-terminal --json …` THEN each
command prints one JSON object with the result (and its idempotency key) and exits 0, and
failures carry the documented exit code."""
from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from terminal_app import cli
from tests.contract.conftest import World
from tests.contract.helpers import registered


def call(world: World, services: Any, *argv: str, stdin: str = "") -> tuple[int, dict]:  # type: ignore[type-arg]
    out = io.StringIO()
    args = cli.parse(["--json", *argv])
    with redirect_stdout(out), pytest.MonkeyPatch.context() as mp:
        mp.setattr("sys.stdin", io.StringIO(stdin))
        code = cli.run(args, services)
    return code, json.loads(out.getvalue())


def test_register_balances_spend_and_recheck(world: World, tmp_path: Path) -> None:
    services = world.services()
    contact = tmp_path / "contact.json"
    contact.write_text(json.dumps({"place": "ミュージアム", "name": "1台目", "person": "川崎",
                                   "postal_code": "2130001", "address": "川崎市多摩区",
                                   "phone": "044-000-0000", "email": "m@example.jp"}))
    code, out = call(world, services, "register", "--terminal-id", "00052559", "--contact",
                     str(contact), "--password-stdin", stdin="gja8zo9a\n")
    assert code == 0 and out["result"]["permissions"]
    world.insert(world.new_card("MY123456"))
    code, out = call(world, services, "balances")
    assert code == 0 and out["result"]["mykey_id"] == "MY123456"
    assert out["result"]["balances"][0]["balance"] == 1730
    code, out = call(world, services, "spend", "--point-id", "00000001", "--amount", "500",
                     "--idempotency-key", "pos-sale-0001")
    assert code == 0 and out["idempotency_key"] == "pos-sale-0001"
    assert out["result"]["balance_after"] == 1230
    code, again = call(world, services, "recheck", "--idempotency-key", "pos-sale-0001")
    assert code == 0 and again["result"] == out["result"]


def test_spend_without_key_gets_one_and_over_balance_exits_2(world: World) -> None:
    services = registered(world, "00052559")
    world.insert(world.new_card("MY123456"))
    code, out = call(world, services, "spend", "--point-id", "00000001", "--amount", "1")
    assert code == 0 and len(out["idempotency_key"]) >= 8
    code, out = call(world, services, "spend", "--point-id", "00000001", "--amount", "99999")
    assert code == cli.EXIT_INPUT and "残高" in out["error"]["message"]


def test_outcome_unknown_exits_7_with_the_key(world: World) -> None:
    services = registered(world, "00052559")
    world.insert(world.new_card("MY123456"))
    world.transport.faults = [None, "after", "before", "before"]   # card read ok, spend lost
    code, out = call(world, services, "spend", "--point-id", "00000001", "--amount", "100",
                     "--idempotency-key", "pos-sale-0002")
    assert code == cli.EXIT_UNKNOWN and out["error"]["idempotency_key"] == "pos-sale-0002"
    code, out = call(world, services, "recheck", "--idempotency-key", "pos-sale-0002")
    assert code == 0 and out["result"]["balance_after"] == 1630


def test_lookup_and_register_service_id(world: World) -> None:
    services = registered(world, "00052459")
    world.insert(world.new_card("MY123456"))
    code, out = call(world, services, "lookup")
    assert code == cli.EXIT_REFUSED and out["error"]["code"] == "service_id_not_registered"
    code, out = call(world, services, "register-service-id", "--customer-id", "180000000011")
    assert code == 0 and out["result"]["customer_id"] == "180000000011"
    code, out = call(world, services, "lookup")
    assert out["result"]["id_business"]["symbology"] == "nw7"


def test_vouchers_and_report(world: World, tmp_path: Path) -> None:
    issuer = registered(world, "00053059", "issuer")
    world.insert(world.new_card("MY123456"))
    code, out = call(world, issuer, "voucher", "issue", "--point-id", "00000001", "--amount",
                     "1000", "--validity-days", "10")
    assert code == 0
    number = out["result"]["voucher_no"]
    shop = registered(world, "00052559", "shop")
    code, out = call(world, shop, "voucher", "info", number)
    assert out["result"]["state"] == "issued"
    code, out = call(world, shop, "voucher", "redeem", number)
    assert code == 0 and out["result"]["amount"] == 1000
    code, out = call(world, shop, "voucher", "redeem", number)
    assert code == cli.EXIT_REFUSED and out["error"]["status"] == 409
    day = world.app.extensions["mykey"].clock.today().isoformat()
    code, out = call(world, shop, "report", "--from", day, "--to", day,
                     "--csv", str(tmp_path / "r.csv"))
    assert code == 0 and (out["result"]["count"], out["result"]["points"]) == (1, 1000)
    assert (tmp_path / "r.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_wait_card_reads_a_card_set_after_the_call(world: World) -> None:
    """GIVEN no card WHEN balances is called with --wait-card and the card is set 0.3 s later
    THEN it waits and reads it; without a card at all it gives up and exits 3."""
    import threading

    services = registered(world, "00052559")
    card = world.new_card("MY123456")
    timer = threading.Timer(0.3, world.insert, args=(card,))
    timer.start()
    try:
        code, out = call(world, services, "--wait-card", "10", "balances")
    finally:
        timer.join()
    assert code == 0 and out["result"]["mykey_id"] == "MY123456"
    world.reader.remove()
    code, out = call(world, services, "--wait-card", "0.2", "balances")
    assert code == cli.EXIT_CARD


def test_no_card_exits_3(world: World) -> None:
    services = registered(world, "00052559")
    code, out = call(world, services, "balances")
    assert code == cli.EXIT_CARD and out["error"]["kind"] == "user"
