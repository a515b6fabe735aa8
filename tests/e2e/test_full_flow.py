"""GIVEN the cloud server, pcscd+vpcd with the demo holders' virtual cards, the ESC/POS printer
emulator and `mykey-terminal` processes, all real and on loopback
WHEN four kinds of terminal register and a holder's card is used for service IDs (all four
lookup modes), point use, a voucher and a shopping-street merge
THEN every step answers as documented, the paper carries decodable codes, the merge file is
received once, `verify-ledger` passes and the balance is the sum of what was done."""
from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pyzbar import pyzbar

from drivers.barcode import barcode_png
from terminal_app.config import load_config
from terminal_app.domain.models import ServiceIdLookup
from terminal_app.services.container import build_services
from tests.e2e import xfield
from tests.e2e.conftest import MERGE_KEY_HEX, MERGE_SECRET, ROOT, System, tool

pytestmark = [pytest.mark.slow, pytest.mark.pcsc]

LIBRARY, SHOP, MUSEUM, CHAMBER = "00052459", "00052489", "00052559", "00053059"
HANDOFF, LABEL = "00052701", "00052702"
PASSWORDS = {LIBRARY: "e912kfja", SHOP: "oeka92kgj", MUSEUM: "gja8zo9a", CHAMBER: "rnva8883",
             HANDOFF: "e2ehandoff1", LABEL: "e2elabel01"}
CATEGORIES = {LIBRARY: "A", SHOP: "A+I", MUSEUM: "I", CHAMBER: "U", HANDOFF: "A", LABEL: "A"}
HOLDER = "MY123456"
KAWASAKI = "川崎市ポイント"
START_BALANCE = 1730
SPEND, VOUCHER, MERGE = 300, 500, 200
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
CUSTOMER_IDS = {LIBRARY: "180000000011", SHOP: "200000000022", HANDOFF: "300000000033",
                LABEL: "400000000044"}


def ok(result: Any) -> dict[str, Any]:
    assert result.code == 0 and result.out["ok"], (result.code, result.out, result.stderr)
    return dict(result.out["result"])


def add_business(system: System, name: str, mode: str) -> str:
    done = system.cloud("add-id-business", "141305", name, "--lookup-mode", mode)
    assert done.returncode == 0, done.stdout + done.stderr
    found = re.search(r"ID付与事業者ID (\d{6})", done.stdout)
    assert found, done.stdout
    return found.group(1)


def import_terminals(system: System, rows: list[list[str]]) -> None:
    path = system.root / "form2.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([["全国地方公共団体コード", "141305"], [],
                                   ["区分", "項番", "ID付与事業者名", "設置場所", "端末名", "端末ID",
                                    "端末パスワード", "削除要否"], *rows])
    done = system.cloud("import-terminals", str(path))
    assert done.returncode == 0, done.stdout + done.stderr


def register(system: System, terminal_id: str, business_id: str | None = None) -> dict[str, Any]:
    contact = {"place": "E2E設置場所", "name": f"E2E端末{terminal_id}", "person": "川崎 一郎",
               "postal_code": "213-0001", "address": "神奈川県川崎市高津区溝口1-1",
               "phone": "044-000-0000", "email": "e2e@example.jp"}
    if business_id:
        contact["id_business_id"] = business_id
    path = system.root / f"contact-{terminal_id}.json"
    path.write_text(json.dumps(contact, ensure_ascii=False), encoding="utf-8")
    return ok(system.terminal(terminal_id, "register", "--terminal-id", terminal_id,
                              "--password-stdin", "--contact", str(path),
                              stdin=PASSWORDS[terminal_id] + "\n"))


def register_all(system: System) -> None:
    handoff = add_business(system, "E2E自動引渡し事業者", "handoff")
    label = add_business(system, "E2Eラベル印刷事業者", "label")
    import_terminals(system, [
        ["(ア)", "1", "E2E自動引渡し事業者", "E2E会場", "引渡し1台目", HANDOFF, PASSWORDS[HANDOFF], ""],
        ["(ア)", "1", "E2Eラベル印刷事業者", "E2E会場", "ラベル1台目", LABEL, PASSWORDS[LABEL], ""]])
    businesses = {LIBRARY: "000001", SHOP: "000002", HANDOFF: handoff, LABEL: label}
    for terminal_id, category in CATEGORIES.items():
        info = register(system, terminal_id, businesses.get(terminal_id))
        assert (info["terminal_id"], info["category"]) == (terminal_id, category[0])
        assert info["also_point_use"] == (category == "A+I")
        again = ok(system.terminal(terminal_id, "info"))    # a new process: key from the keyring
        assert again["permissions"] == info["permissions"] and again["permissions"]
        business = businesses.get(terminal_id)
        assert (again["id_business"] or {}).get("id") == business
    twice = system.terminal(MUSEUM, "register", "--terminal-id", MUSEUM, "--password-stdin",
                            "--contact", str(system.root / f"contact-{MUSEUM}.json"),
                            stdin=PASSWORDS[MUSEUM] + "\n")
    assert twice.code == 8 and twice.out["error"]["code"] == "already_registered"


def balance_of(system: System, terminal_id: str) -> tuple[str, int]:
    read = ok(system.terminal(terminal_id, "balances"))
    assert read["mykey_id"] == HOLDER
    row = next(b for b in read["balances"] if b["name"] == KAWASAKI)
    return str(row["point_id"]), int(row["balance"])


def decode(png: Path) -> list[tuple[str, str]]:
    return [(s.type, s.data.decode("ascii")) for s in pyzbar.decode(Image.open(png))]


def lookup(system: System, terminal_id: str, mode: str) -> dict[str, Any]:
    customer_id = CUSTOMER_IDS[terminal_id]
    missing = system.terminal(terminal_id, "lookup")
    assert missing.code == 5 and missing.out["error"]["code"] == "service_id_not_registered"
    done = ok(system.terminal(terminal_id, "register-service-id", "--customer-id", customer_id))
    assert done["customer_id"] == customer_id
    found = ok(system.terminal(terminal_id, "lookup"))
    assert (found["id_business"]["lookup_mode"], found["customer_id"]) == (mode, customer_id)
    assert found["mykey_id"] == HOLDER
    return found


def check_service_ids(system: System) -> None:
    lookup(system, SHOP, "number")
    shown = lookup(system, LIBRARY, "barcode")
    symbology = shown["id_business"]["symbology"]
    png = system.root / "library-barcode.png"
    barcode_png(symbology, shown["customer_id"]).save(png)
    assert [(t, d.strip("ABCD")) for t, d in decode(png)] == [("CODABAR", CUSTOMER_IDS[LIBRARY])]
    check_handoff(system, lookup(system, HANDOFF, "handoff"))
    check_label(system, lookup(system, LABEL, "label"))


def check_handoff(system: System, found: dict[str, Any]) -> None:
    """ID自動引渡し: the number is pasted (clipboard mode) into a focused field on a private
    Xvfb and submitted with Enter. Without Xvfb/tkinter a warning says why it was not typed."""
    reason = xfield.unavailable_reason()
    if reason:
        warnings.warn(f"E2E hand-off not typed: {reason}", pytest.PytestWarning, stacklevel=1)
        return
    field = xfield.XField()
    try:
        display = field.start(system.root)
        with in_process(system, HANDOFF, MYKEY_KEYSTROKES=f"clipboard:{display}") as services:
            services.service_ids.hand_off(ServiceIdLookup.from_json(found))
        assert field.next_submit() == CUSTOMER_IDS[HANDOFF]
    finally:
        field.close()


@contextmanager
def in_process(system: System, terminal_id: str, **extra: str) -> Iterator[Any]:
    """The terminal's services in this process (same home/keyring/printer; no card reads:
    PC/SC only works in the CLI children, which get the lab's socket before libpcsclite loads)."""
    services = build_services(load_config(env={**system.terminal_env(terminal_id), **extra}))
    try:
        yield services
    finally:
        services.close()


def check_label(system: System, found: dict[str, Any]) -> None:
    """ラベル印刷方式: the label printed on the emulator decodes back to the service ID."""
    before = len(system.printer.papers)
    with in_process(system, LABEL) as services:
        services.receipts.print(ServiceIdLookup.from_json(found))
    paper = system.printer.wait_for_papers(before + 1)[before]
    assert [d for _, d in decode(paper.png_path)] == [CUSTOMER_IDS[LABEL]]


def printed(system: System, count_before: int) -> Any:
    return system.printer.wait_for_papers(count_before + 1)[count_before]


def check_spend(system: System, point_id: str) -> None:
    before = len(system.printer.papers)
    spent = ok(system.terminal(MUSEUM, "spend", "--point-id", point_id, "--amount", str(SPEND),
                               "--idempotency-key", "e2e-sale-0001", "--print"))
    assert spent["balance_after"] == START_BALANCE - SPEND
    paper = printed(system, before)
    assert KAWASAKI in paper.text and spent["txn_no"] in paper.text, paper.text
    assert re.search(rf"{SPEND}\s*(pt|ポイント|P)", paper.text), paper.text


def check_refusals(system: System, point_id: str) -> None:
    """Bad input and wrong terminals: a clear Japanese error, a documented exit code, no change
    (the final balance check proves nothing was taken)."""
    over = system.terminal(MUSEUM, "spend", "--point-id", point_id, "--amount", "99999")
    assert over.code == 2 and "残高" in over.out["error"]["message"], over.out
    bad = system.terminal(MUSEUM, "spend", "--point-id", point_id, "--amount", "abc")
    assert bad.code == 2 and JAPANESE.search(bad.out["error"]["message"]), bad.out
    wrong = system.terminal(CHAMBER, "spend", "--point-id", point_id, "--amount", "1")
    assert (wrong.code, wrong.out["error"]["status"]) == (5, 403), wrong.out
    assert wrong.out["error"]["code"] == "forbidden_category"
    assert JAPANESE.search(wrong.out["error"]["message"])
    museum = system.terminal(MUSEUM, "lookup")        # (イ) has no ID business
    assert (museum.code, museum.out["error"]["code"]) == (5, "forbidden_category"), museum.out


def check_voucher(system: System, point_id: str) -> None:
    before = len(system.printer.papers)
    issued = ok(system.terminal(CHAMBER, "voucher", "issue", "--point-id", point_id,
                                "--amount", str(VOUCHER), "--validity-days", "10", "--print"))
    number = issued["voucher_no"]
    paper = printed(system, before)
    assert ("QRCODE", number) in decode(paper.png_path), paper.text
    assert ok(system.terminal(MUSEUM, "voucher", "info", number))["state"] == "issued"
    before = len(system.printer.papers)
    redeemed = ok(system.terminal(MUSEUM, "voucher", "redeem", number, "--print"))
    assert redeemed["amount"] == VOUCHER and number in printed(system, before).text
    again = system.terminal(MUSEUM, "voucher", "redeem", number)
    assert again.code == 5 and again.out["error"]["status"] == 409


def receive(folder: Path) -> tuple[int, dict[str, Any]]:
    done = subprocess.run([tool("mykey-merge-receive"), str(folder), "--key-hex", MERGE_KEY_HEX,
                           "--secret", MERGE_SECRET, "--json"], capture_output=True, text=True,
                          check=False, cwd=ROOT, timeout=60)
    return done.returncode, json.loads(done.stdout)


def check_merge(system: System, point_id: str) -> None:
    merged = ok(system.terminal(SHOP, "merge", "--point-id", point_id, "--amount", str(MERGE)))
    assert merged["receipt"]["amount"] == MERGE
    assert merged["customer_id"] == CUSTOMER_IDS[SHOP]
    folder = system.homes[SHOP] / "merge"
    assert merged["saved_path"] and Path(merged["saved_path"]).parent == folder
    code, report = receive(folder)
    assert code == 0 and report["totals"] == {CUSTOMER_IDS[SHOP]: MERGE}, report
    for done in (folder / "done").iterdir():
        shutil.copy(done, folder / done.name)   # the same file delivered a second time
    code, report = receive(folder)
    assert code == 1 and report["accepted"] == [], report
    assert [r["code"] for r in report["rejected"]] == ["duplicate"]


def test_whole_system_end_to_end(system: System) -> None:
    register_all(system)
    system.insert(system.world.card(HOLDER).path)
    point_id, balance = balance_of(system, MUSEUM)
    assert balance == START_BALANCE
    check_service_ids(system)
    check_spend(system, point_id)
    check_refusals(system, point_id)
    check_voucher(system, point_id)
    check_merge(system, point_id)
    assert balance_of(system, SHOP) == (point_id, START_BALANCE - SPEND - VOUCHER - MERGE)
    verified = system.cloud("verify-ledger")
    assert verified.returncode == 0, verified.stdout + verified.stderr
