"""End-to-end fixtures: every part of the system as the real process it is in production.

- the cloud: `mykey-cloud init-db`, `demo-data --certs-dir`, then `serve` on a free loopback
  port, on the test's database (`db_url`: a SQLite file, or a fresh PostgreSQL database on the
  `db` pass);
- the card reader: an isolated pcscd + vpcd (drivers.card.virtual.lab.PcscLab) with the demo holders'
  virtual cards from the project's test JPKI CA (terminal_app.demo.build_world);
- the printer: the ESC/POS emulator on a free loopback port;
- the terminals: `mykey-terminal --json` subprocesses, one MYKEY_HOME each, keyring in a file.
Every process started here is stopped by its PID in the fixture's teardown, even on failure.
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from drivers.card.virtual.lab import PcscLab, unavailable_reason
from drivers.printer.emulator.server import PrinterEmulator
from terminal_app.demo import DemoWorld, build_world, free_port, stop_process, wait_healthy

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MERGE_KEY_HEX = "00112233445566778899aabbccddeeff"
MERGE_SECRET = "e2e-shopping-street-secret"
CLI_TIMEOUT_S = 60
CARD_WAIT_S = 15.0


def skip_reason() -> str | None:
    """Why the E2E test cannot run here (only root + pcscd/vpcd matter), or None."""
    return unavailable_reason()


def tool(name: str) -> str:
    """A console script of the installed project (same venv as the test)."""
    return str(BIN / name)


@dataclass
class Result:
    code: int
    out: dict[str, Any]
    stderr: str


@dataclass
class System:
    """The running system: the cloud, the card lab, the printer and the terminals' homes."""

    world: DemoWorld
    lab: PcscLab
    printer: PrinterEmulator
    cloud_url: str
    cloud_env: dict[str, str]
    root: Path
    homes: dict[str, Path] = field(default_factory=dict)

    def base_env(self) -> dict[str, str]:
        """Environment of a child process: the repository importable, our keyring file."""
        path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
        return {**os.environ, "PYTHONPATH": path,
                "PYTHON_KEYRING_BACKEND": "tests.e2e.file_keyring.FileKeyring",
                "MYKEY_E2E_KEYRING_FILE": str(self.root / "keyring.json")}

    def terminal_env(self, terminal_id: str) -> dict[str, str]:
        home = self.homes.setdefault(terminal_id, self.root / f"terminal-{terminal_id}")
        (home / "merge").mkdir(parents=True, exist_ok=True)
        return {**self.base_env(), "MYKEY_HOME": str(home), "MYKEY_CLOUD_URL": self.cloud_url,
                "MYKEY_READER": "pcsc", "PCSCLITE_CSOCK_NAME": self.lab.csock_name,
                "MYKEY_PRINTER": self.printer.target, "MYKEY_HTTP_RETRIES": "1"}

    def card_env(self) -> dict[str, str]:
        """A PC/SC client child's environment (the lab's pcscd socket)."""
        return {**self.base_env(), "PCSCLITE_CSOCK_NAME": self.lab.csock_name}

    def terminal(self, terminal_id: str, *argv: str, stdin: str = "") -> Result:
        """`mykey-terminal --json ARGV` as terminal `terminal_id`; one JSON object on stdout."""
        proc = subprocess.run([tool("mykey-terminal"), "--json", *argv], input=stdin,
                              check=False, capture_output=True, text=True, cwd=ROOT,
                              timeout=CLI_TIMEOUT_S, env=self.terminal_env(terminal_id))
        try:
            out = json.loads(proc.stdout)
        except ValueError:
            pytest.fail(f"mykey-terminal {argv} printed no JSON (exit {proc.returncode}):\n"
                        f"{proc.stdout}\n{proc.stderr}")
        return Result(proc.returncode, out, proc.stderr)

    def insert(self, card_file: Path) -> None:
        """Put a virtual card on the reader and wait until pcscd reports it present."""
        self.lab.insert(card_file)
        done = subprocess.run([sys.executable, "-m", "tests.e2e.card_wait", "card_present",
                               str(CARD_WAIT_S)], check=False, cwd=ROOT,
                              timeout=CARD_WAIT_S + 10, env=self.card_env())
        assert done.returncode == 0, "pcscd did not report the inserted card"

    def cloud(self, *argv: str) -> subprocess.CompletedProcess[str]:
        """`mykey-cloud ARGV` on the test's database."""
        return subprocess.run([tool("mykey-cloud"), *argv], capture_output=True, text=True,
                              check=False, cwd=ROOT, env=self.cloud_env, timeout=CLI_TIMEOUT_S)


def _cloud_env(world: DemoWorld, db_url: str, base: dict[str, str]) -> dict[str, str]:
    return {**base, "MYKEY_CLOUD_HOME": str(world.cloud_home),
            "MYKEY_JPKI_CA_DIR": str(world.ca_dir), "DATABASE_URL": db_url,
            "MYKEY_MERGE_KEY_HEX": MERGE_KEY_HEX, "MYKEY_MERGE_HASH_SECRET": MERGE_SECRET}


def _start_cloud(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen([tool("mykey-cloud"), "serve", "--host", "127.0.0.1", "--port",
                             str(port), "--workers", "1"], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL)


@pytest.fixture
def system(db_url: str, tmp_path: Path) -> Iterator[System]:
    """The whole system, started for one test and stopped (by PID) after it."""
    reason = skip_reason()
    if reason:
        pytest.skip(f"E2E needs a real PC/SC stack: {reason}")
    world = build_world(tmp_path / "world")
    stub = System(world, PcscLab(), PrinterEmulator(port=0, out_dir=tmp_path / "papers"),
                  "", {}, tmp_path)
    stub.cloud_env = _cloud_env(world, db_url, stub.base_env())
    for args in (["init-db"], ["demo-data", "--certs-dir", str(world.certs_dir)]):
        done = stub.cloud(*args)
        assert done.returncode == 0, done.stdout + done.stderr
    port = free_port()
    cloud = _start_cloud(stub.cloud_env, port)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", cloud)
        stub.cloud_url = f"http://127.0.0.1:{port}"
        with stub.lab, stub.printer:
            yield stub
    finally:
        stop_process(cloud)
