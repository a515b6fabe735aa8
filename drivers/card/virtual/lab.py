"""A lab bench for real PC/SC tests: pcscd + vsmartcard's vpcd + a virtual card, isolated.

pcscd runs in its own network namespace (only loopback: vpcd's all-interfaces listener stays
private and never collides with another pcscd's port) and its own mount namespace (a private
bind over /run/pcscd, so its socket lives in our temp dir), with its own reader.conf dir.
Clients outside use `PCSCLITE_CSOCK_NAME=lab.csock_name` (libpcsclite reads it once per
process: set it before the first PC/SC call, e.g. in a child process's environment).
Needs root, pcscd, vsmartcard-vpcd, unshare/nsenter (util-linux) and ip (iproute2).
"""
from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Self

from drivers.card.virtual.vpcd import VPCD_PORT

log = logging.getLogger(__name__)

VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
READER_NAME = "Virtual PCD 00 00"
PCSCD_RUN_DIR = Path("/run/pcscd")
_INNER = 'set -e; ip link set lo up; mount --bind "$1/run" /run/pcscd; exec pcscd -f -c "$1/conf"'
_CONF = f"""FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:0x{VPCD_PORT:04X}
LIBPATH      {VPCD_DRIVER}
CHANNELID    0x{VPCD_PORT:04X}
"""


def unavailable_reason() -> str | None:
    """Why the lab cannot run here, or None when it can."""
    if sys.platform != "linux":
        return "Linux only (namespaces, vsmartcard-vpcd)"
    if os.geteuid() != 0:
        return "needs root (network/mount namespaces for an isolated pcscd)"
    for tool in ("pcscd", "unshare", "nsenter", "ip"):
        if shutil.which(tool) is None:
            return f"{tool} not installed"
    if not VPCD_DRIVER.exists():
        return "vsmartcard-vpcd not installed"
    return None


class PcscLab:
    """start() / insert(card_file) / remove() / stop(); also a context manager."""

    def __init__(self, *, delay_ms: float = 0.0, ready_timeout_s: float = 10.0) -> None:
        self.delay_ms = delay_ms
        self.ready_timeout_s = ready_timeout_s
        self.reader_name = READER_NAME
        self._dir: Path | None = None
        self._pcscd: subprocess.Popen[bytes] | None = None
        self._card: subprocess.Popen[str] | None = None

    @property
    def csock_name(self) -> str:
        """The pcscd socket path to export as PCSCLITE_CSOCK_NAME."""
        assert self._dir is not None, "lab not started"
        return str(self._dir / "run" / "pcscd.comm")

    def client_env(self) -> dict[str, str]:
        """os.environ plus PCSCLITE_CSOCK_NAME, for a client child process."""
        return {**os.environ, "PCSCLITE_CSOCK_NAME": self.csock_name}

    def start(self) -> None:
        """Start the isolated pcscd and wait for its socket."""
        reason = unavailable_reason()
        if reason:
            raise RuntimeError(f"PC/SC lab unavailable: {reason}")
        self._dir = Path(tempfile.mkdtemp(prefix="mykey-pcsc-lab-"))
        (self._dir / "conf").mkdir()
        (self._dir / "run").mkdir()
        (self._dir / "conf" / "vpcd").write_text(_CONF, encoding="ascii")
        PCSCD_RUN_DIR.mkdir(parents=True, exist_ok=True)  # mount point for our private bind
        log_file = (self._dir / "pcscd.log").open("wb")
        self._pcscd = subprocess.Popen(
            ["unshare", "--mount", "--net", "--propagation", "private", "--",
             "sh", "-c", _INNER, "sh", str(self._dir)],
            stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log_file.close()
        self._wait_for_socket()
        log.info("lab pcscd pid %d, socket %s", self._pcscd.pid, self.csock_name)

    def _wait_for_socket(self) -> None:
        assert self._pcscd is not None
        done = threading.Event()
        sock = Path(self.csock_name)
        for _ in range(int(self.ready_timeout_s / 0.01)):
            if sock.exists() or self._pcscd.poll() is not None:
                break
            done.wait(0.01)  # pcscd gives no readiness signal: poll for its socket file
        if not sock.exists():
            self.stop()
            raise RuntimeError("pcscd did not start (see its log in the lab dir)")

    def insert(self, card_file: Path) -> None:
        """Connect a virtual card to the reader; returns once vpcd has accepted it."""
        assert self._pcscd is not None, "lab not started"
        self.remove()
        root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (root, os.environ.get("PYTHONPATH", "")) if p)}
        self._card = subprocess.Popen(
            ["nsenter", "-t", str(self._pcscd.pid), "-n", "--", sys.executable, "-m",
             "drivers.card.virtual.vpcd", str(Path(card_file).resolve()), "--port", str(VPCD_PORT),
             "--delay-ms", str(self.delay_ms)], stdout=subprocess.PIPE, text=True, env=env)
        assert self._card.stdout is not None
        if self._card.stdout.readline().strip() != "connected":
            self.remove()
            raise RuntimeError("virtual card could not connect to vpcd")

    def remove(self) -> None:
        """Take the card out (its process closes the vpcd socket)."""
        card, self._card = self._card, None
        if card is not None:
            _stop(card)

    def stop(self) -> None:
        """Remove the card, stop pcscd (by PID), delete the lab dir."""
        self.remove()
        pcscd, self._pcscd = self._pcscd, None
        if pcscd is not None:
            _stop(pcscd)
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _stop(proc: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()
