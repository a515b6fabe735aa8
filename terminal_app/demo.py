"""Demo mode: the whole system on one machine without hardware (`python -m terminal_app.demo`).

It creates, in a demo data folder (default: a new temporary folder; `--dir` keeps one):
- a test JPKI CA and a virtual My Number card per demo holder (drivers.card.virtual.ca), with the
  holders' authentication certificates as `certs/<MYKEYID>.pem` for the cloud's demo data;
- the cloud as subprocesses: `mykey-cloud init-db`, `demo-data --certs-dir …`, then `serve` on a
  free loopback port (MYKEY_CLOUD_HOME / MYKEY_JPKI_CA_DIR point into the demo folder);
- the ESC/POS printer emulator (drivers.printer.emulator.server) on a free loopback port;
then opens the app with a fresh MYKEY_HOME, an empty virtual reader and a demo panel to insert
and remove the demo cards, showing the printed paper and the demo terminal IDs/passwords.
Every process it started is stopped by its PID on exit.
"""
from __future__ import annotations

import argparse
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

log = logging.getLogger(__name__)

DEMO_PIN = "1234"
DEMO_SIGN_PASSWORD = "ABC123"


@dataclass(frozen=True)
class DemoHolder:
    mykey_id: str
    name: str
    address: str
    birth: date
    sex: str


@dataclass(frozen=True)
class DemoTerminal:
    terminal_id: str
    password: str
    description: str


HOLDERS = (
    DemoHolder("MY123456", "川崎 花子", "神奈川県川崎市高津区下作延二丁目8番1号", date(1985, 4, 2), "2"),
    DemoHolder("KEY34567", "高津 太郎", "神奈川県川崎市中原区小杉町三丁目1番地", date(1972, 11, 30), "1"),
)
# The seed's 様式II examples (the cloud's `demo-data` creates these terminals).
TERMINALS = (
    DemoTerminal("00052459", "e912kfja", "高津図書館1台目 (ア) サービスID・川崎市立図書館（バーコード表示）"),
    DemoTerminal("00052489", "oeka92kgj", "〇〇果実店 (ア)+(イ) ブレーメン商店街・ポイント利用・合算"),
    DemoTerminal("00052559", "gja8zo9a", "川崎市藤子・F・不二雄ミュージアム (イ) ポイント利用・集計"),
    DemoTerminal("00053059", "rnva8883", "XX商工会1台目 (ウ) ポイント券発行・消込"),
    DemoTerminal("00020005", "awa0dori26", "徳島市立図書館 (ア)+(イ) 阿波踊りイベントポイント"),
)


class MemoryKeyring:
    """A process-lifetime keyring for the demo's fresh terminal when the OS has none (headless
    Linux without a Secret Service). The demo terminal's key lives only while the demo runs."""

    priority = 1

    def __init__(self) -> None:
        self._store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        import keyring.errors

        if self._store.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


def demo_keyring() -> object | None:
    """The OS keyring when one works, else a MemoryKeyring."""
    import keyring
    from keyring.backends import fail

    return MemoryKeyring() if isinstance(keyring.get_keyring(), fail.Keyring) else None


@dataclass
class DemoCard:
    holder: DemoHolder
    path: Path
    pin: str = DEMO_PIN
    sign_password: str = DEMO_SIGN_PASSWORD


@dataclass
class DemoWorld:
    """Files of the demo: CA, card files, certificates for the cloud, cloud home; and the demo
    terminals whose IDs/passwords the demo panel lists."""

    root: Path
    ca_dir: Path
    cards_dir: Path
    certs_dir: Path
    cloud_home: Path
    cards: list[DemoCard] = field(default_factory=list)
    terminals: tuple[DemoTerminal, ...] = TERMINALS

    def card(self, mykey_id: str) -> DemoCard:
        return next(c for c in self.cards if c.holder.mykey_id == mykey_id)


def build_world(root: Path) -> DemoWorld:
    """Create the CA and one virtual card per demo holder under `root` (idempotent per folder)."""
    from drivers.card.virtual.ca import create_ca, issue_card, load_ca
    from drivers.card.virtual.card_file import save_card
    from drivers.card.virtual.cert_builder import Holder

    world = DemoWorld(root, root / "ca", root / "cards", root / "certs", root / "cloud")
    for folder in (world.cards_dir, world.certs_dir, world.cloud_home):
        folder.mkdir(parents=True, exist_ok=True)
    ca = load_ca(world.ca_dir) if (world.ca_dir / "auth-ca.pem").exists() \
        else create_ca(world.ca_dir)
    for holder in HOLDERS:
        path = world.cards_dir / f"{holder.mykey_id}.json"
        if not path.exists():
            doc = issue_card(ca, Holder(holder.name, holder.address, holder.birth, holder.sex),
                             pin=DEMO_PIN, sign_password=DEMO_SIGN_PASSWORD)
            save_card(doc, path)
            assert doc.auth is not None
            (world.certs_dir / f"{holder.mykey_id}.pem").write_text(doc.auth["cert_pem"])
        world.cards.append(DemoCard(holder, path))
    return world


def cloud_env(world: DemoWorld) -> dict[str, str]:
    env = dict(os.environ)
    env.update(MYKEY_CLOUD_HOME=str(world.cloud_home), MYKEY_JPKI_CA_DIR=str(world.ca_dir))
    env.pop("DATABASE_URL", None)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare_cloud(world: DemoWorld) -> None:
    """`mykey-cloud init-db` then `demo-data --certs-dir` (both idempotent)."""
    env = cloud_env(world)
    for args in (["init-db"], ["demo-data", "--certs-dir", str(world.certs_dir)]):
        subprocess.run([sys.executable, "-m", "cloud_api.cli", *args], env=env, check=True)


def start_cloud(world: DemoWorld, port: int) -> subprocess.Popen[bytes]:
    """`mykey-cloud serve` on loopback; returns once /api/v1/health answers."""
    proc = subprocess.Popen([sys.executable, "-m", "cloud_api.cli", "serve", "--host",
                             "127.0.0.1", "--port", str(port), "--workers", "1"],
                            env=cloud_env(world))
    wait_healthy(f"http://127.0.0.1:{port}", proc)
    return proc


def wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 30.0) -> None:
    """Poll the health endpoint of a process we started (a server has no readiness signal)."""
    import requests

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"cloud exited with {proc.returncode}")
        try:
            if requests.get(f"{url}/api/v1/health", timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError("cloud did not become healthy")


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    """Stop a process we started, by its PID."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="mykey-demo", description="デモモードで活用ソフトを起動する")
    parser.add_argument("--dir", type=Path, help="デモデータの保存先（省略時は一時フォルダ）")
    parser.add_argument("--port", type=int, default=0, help="クラウドのポート（省略時は空きポート）")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mykey-demo-") as tmp:
        root = args.dir or Path(tmp)
        world = build_world(root)
        prepare_cloud(world)
        port = args.port or free_port()
        cloud = start_cloud(world, port)
        try:
            return run_terminal(world, cloud_url=f"http://127.0.0.1:{port}")
        finally:
            stop_process(cloud)


def run_terminal(world: DemoWorld, cloud_url: str) -> int:
    """The app with a fresh MYKEY_HOME, an empty virtual reader and the printer emulator."""
    from drivers.card.virtual.reader import VirtualReader
    from drivers.printer.emulator.server import PrinterEmulator
    from terminal_app.api import client_version
    from terminal_app.config import load_config
    from terminal_app.services.container import build_services
    from terminal_app.ui.application import build_window, qt_app, run
    from terminal_app.ui.demo_panel import DemoPanel

    home = world.root / "terminal"
    (home / "merge").mkdir(parents=True, exist_ok=True)
    emulator = PrinterEmulator(port=0, out_dir=world.root / "papers").start()
    env = {"MYKEY_HOME": str(home), "MYKEY_CLOUD_URL": cloud_url,
           "MYKEY_PRINTER": emulator.target, "MYKEY_DEMO": "1", "MYKEY_READER": "virtual:"}
    reader = VirtualReader()
    qt_app()
    services = build_services(load_config(env=env), reader=reader,
                              keyring_backend=demo_keyring())  # type: ignore[arg-type]
    try:
        window = build_window(services, client_version())
        panel = DemoPanel(world, reader, emulator, window)
        panel.show()
        return run(window)
    finally:
        services.close()
        emulator.stop()


if __name__ == "__main__":
    raise SystemExit(main())
