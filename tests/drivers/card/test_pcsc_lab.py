"""GIVEN a real pcscd + vpcd (isolated in namespaces) with the virtual card behind it
WHEN the pyscard backend is used THEN it reads, verifies, signs and sees insert/remove."""
from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.serialization import Encoding

from drivers.card.virtual.lab import PcscLab, unavailable_reason

from .card_data import ADULT_SERIAL, COLLATION_B, PIN, CardFactory

pytestmark = [pytest.mark.pcsc,
              pytest.mark.skipif(unavailable_reason() is not None,
                                 reason=f"PC/SC lab: {unavailable_reason()}")]
ROOT = Path(__file__).resolve().parents[3]
WAIT_S = 15.0


class Child:
    """The pcsc_client child process."""

    def __init__(self, lab: PcscLab) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.drivers.card.pcsc_client"], cwd=ROOT,
            env=lab.client_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def __call__(self, op: str, **args: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps({"op": op, **args}) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
        self.proc.stdout.close()


@pytest.fixture
def lab() -> Iterator[PcscLab]:
    with PcscLab() as started:
        yield started


@pytest.fixture
def child(lab: PcscLab) -> Iterator[Child]:
    client = Child(lab)
    yield client
    client.close()


def test_given_empty_reader_when_card_inserted_used_and_removed_then_events_and_protocol(
        lab: PcscLab, child: Child, card_file: Path) -> None:
    assert child("status") == {"status": "no_card"}
    lab.insert(card_file)
    assert child("wait_for", status="card_present", timeout_s=WAIT_S) == {
        "status": "card_present"}
    pem = json.loads(card_file.read_text(encoding="utf-8"))["auth"]["cert_pem"]
    cert = x509.load_pem_x509_certificate(pem.encode())
    read = child("read")
    minimum = 4 + math.ceil(len(cert.public_bytes(Encoding.DER)) / 256)
    assert read["serial"] == ADULT_SERIAL and read["apdus"] == minimum
    assert child("verify", pin="9999") == {"error": "wrong_pin", "tries_left": 2}
    signature = bytes.fromhex(child("sign", pin=PIN, message_hex=b"nonce".hex())["signature"])
    cert.public_key().verify(  # type: ignore[union-attr]
        signature, b"nonce", padding.PKCS1v15(), SHA256())
    assert child("basic_info", collation_b=COLLATION_B)["birth"] == "1980-02-17"
    lab.remove()
    assert child("wait_for", status="no_card", timeout_s=WAIT_S) == {"status": "no_card"}
    assert child("read") == {"error": "no_card", "tries_left": None}


def test_given_held_connection_when_card_pulled_then_card_removed(
        lab: PcscLab, child: Child, card_file: Path) -> None:
    lab.insert(card_file)
    assert child("wait_for", status="card_present", timeout_s=WAIT_S)["status"] == "card_present"
    assert child("hold")["atr"] == "3be000ff8131fe4514"
    lab.remove()
    assert child("read_held") == {"error": "card_removed", "tries_left": None}


def test_given_reader_names_when_opened_then_exact_prefix_or_no_reader(
        lab: PcscLab, child: Child, card_file: Path) -> None:
    lab.insert(card_file)
    assert child("open", spec="pcsc:Virtual PCD 00 00")["status"] in ("no_card", "card_present")
    assert child("wait_for", status="card_present", timeout_s=WAIT_S)["status"] == "card_present"
    assert child("open", spec="pcsc:Virtual PCD 00 01") == {"status": "no_card"}
    assert child("open", spec="pcsc:PaSoRi") == {"status": "no_reader"}
    assert child("read") == {"error": "no_reader", "tries_left": None}


def test_given_card_info_over_pcsc_when_pin_wrong_thrice_then_blocked_survives_reinsert(
        lab: PcscLab, child: Child, card_file: Path) -> None:
    lab.insert(card_file)
    assert child("wait_for", status="card_present", timeout_s=WAIT_S)["status"] == "card_present"

    def card_info(pin: str) -> tuple[int, dict[str, Any]]:
        proc = subprocess.run([sys.executable, "-m", "drivers.card.info_cli", "--reader",
                               "pcsc", "--json", "--pin"], input=pin + "\n", cwd=ROOT,
                              env=lab.client_env(), capture_output=True, text=True,
                              timeout=60, check=False)
        return proc.returncode, json.loads(proc.stdout)

    code, data = card_info(PIN)
    assert code == 0 and data["auth_cert"]["serial"] == ADULT_SERIAL
    assert [card_info("0000")[0] for _ in range(3)] == [7, 7, 8]
    lab.remove()
    # wait for pcscd to see the removal first, else "present" may be the stale state
    assert child("wait_for", status="no_card", timeout_s=WAIT_S) == {"status": "no_card"}
    lab.insert(card_file)
    assert child("wait_for", status="card_present", timeout_s=WAIT_S)["status"] == "card_present"
    code, data = card_info(PIN)
    assert (code, data["error"]) == (8, "pin_blocked")


def test_given_two_labs_at_once_when_read_then_each_sees_only_its_own_card(
        make_card: CardFactory, child: Child, lab: PcscLab) -> None:
    """Isolation: a second pcscd with the same vpcd port runs beside the first one."""
    minor = make_card("minor")
    lab.insert(make_card())
    with PcscLab() as other:
        other.insert(minor)
        other_child = Child(other)
        try:
            assert other_child("wait_for", status="card_present",
                               timeout_s=WAIT_S)["status"] == "card_present"
            assert child("wait_for", status="card_present",
                         timeout_s=WAIT_S)["status"] == "card_present"
            assert child("read")["serial"] == ADULT_SERIAL
            assert other_child("read")["serial"] != ADULT_SERIAL
        finally:
            other_child.close()


def test_given_serve_cli_when_interrupted_then_socket_works_until_ctrl_c(
        card_file: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "drivers.card.virtual.cli", "serve",
                             str(card_file)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("export PCSCLITE_CSOCK_NAME=")
        csock = line.split("=", 1)[1]
        env = {**os.environ, "PCSCLITE_CSOCK_NAME": csock}
        client = subprocess.Popen([sys.executable, "-m", "tests.drivers.card.pcsc_client"],
                                  cwd=ROOT, env=env, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        out, _ = client.communicate(json.dumps({"op": "wait_for", "status": "card_present",
                                                "timeout_s": WAIT_S}) + "\n"
                                    + json.dumps({"op": "read"}) + "\n", timeout=60)
        assert json.loads(out.splitlines()[1])["serial"] == ADULT_SERIAL
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
        assert proc.stdout is not None
        proc.stdout.close()
    assert not Path(csock).exists()
