"""Test harness of the UI tests: the demo world (CA, virtual cards, cloud database with demo data)
built once per session and copied per test, the real cloud app served on a loopback thread, and
the terminal's real core services in a fresh home."""
from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from terminal_app.demo import DemoWorld, MemoryKeyring, build_world

MERGE_KEY_HEX = "000102030405060708090a0b0c0d0e0f"


@contextlib.contextmanager
def environment(**values: str) -> Iterator[None]:
    """Set environment variables for a block (the cloud CLI reads its settings from there)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


@dataclass
class WorldTemplate:
    """A built demo world; `copy_to` gives each test its own database and card files."""

    root: Path

    def copy_to(self, target: Path) -> DemoWorld:
        shutil.copytree(self.root, target)
        return build_world(target)


def build_template(root: Path) -> WorldTemplate:
    """Cards + the cloud database with the demo data, made once per session.

    It runs `mykey-cloud init-db` and `demo-data --certs-dir` in-process, exactly what the demo
    does.
    """
    world = build_world(root / "world")
    env = {"MYKEY_CLOUD_HOME": str(world.cloud_home), "MYKEY_JPKI_CA_DIR": str(world.ca_dir),
           "MYKEY_MERGE_KEY_HEX": MERGE_KEY_HEX, "MYKEY_MERGE_HASH_SECRET": "ui-test"}
    with environment(**env):
        os.environ.pop("DATABASE_URL", None)
        _demo_data(world)
    return WorldTemplate(world.root)


def _demo_data(world: DemoWorld) -> None:
    from cloud_api.cli import main as cloud_cli

    assert cloud_cli(["init-db"]) == 0
    assert cloud_cli(["demo-data", "--certs-dir", str(world.certs_dir)]) == 0


class LoopbackCloud:
    """create_app over the world's database, served by werkzeug on 127.0.0.1:<free port>."""

    def __init__(self, world: DemoWorld) -> None:
        from cloud_api import create_app
        from cloud_api.config import Settings

        self.world = world
        settings = Settings(data_dir=world.cloud_home, jpki_ca_dir=world.ca_dir,
                            secret_key="ui-test", merge_key_hex=MERGE_KEY_HEX,
                            merge_hash_secret="ui-test")
        self.app = create_app(settings)
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> None:
        from werkzeug.serving import make_server

        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        assert self._thread is not None
        self._thread.join(10)
        self.app.extensions["mykey"].engine.dispose()


def make_terminal_services(home: Path, cloud_url: str, *, reader: Any = None,
                           printer_spec: str = "", transport: Any = None,
                           keyring_backend: Any = None, keystrokes: Any = None,
                           **config: Any) -> Any:
    """The real core (build_services) for a terminal in `home` (in-memory keyring by default)."""
    from terminal_app.config import TerminalConfig
    from terminal_app.services.container import build_services

    (home / "merge").mkdir(parents=True, exist_ok=True)
    settings: dict[str, Any] = {"http_retries": 1, "retry_backoff_s": 0.0,
                                "http_timeout_s": 5.0, "merge_folder": home / "merge",
                                "reader_spec": "virtual:"}
    settings.update(config)
    cfg = TerminalConfig(home=home, cloud_url=cloud_url, printer_spec=printer_spec, **settings)
    return build_services(cfg, reader=reader, transport=transport, keystrokes=keystrokes,
                          keyring_backend=keyring_backend or MemoryKeyring())  # type: ignore[arg-type]


def closed_port_url() -> str:
    """A loopback URL nobody listens on (the port was free a moment ago)."""
    from terminal_app.demo import free_port

    return f"http://127.0.0.1:{free_port()}"


# terminal IDs of the seed's 様式II examples (the cloud's demo data has them) ----------------------
LIBRARY = ("00052459", "e912kfja")       # (ア) 川崎市立図書館
MUSEUM = ("00052559", "gja8zo9a")        # (イ) point use
CHAMBER = ("00053059", "rnva8883")       # (ウ) voucher issue
FRUIT = ("00052489", "oeka92kgj")         # (ア) + point use, ブレーメン商店街 (shopping street)

CONTACT = {"place": "高津図書館", "name": "高津図書館1台目", "person": "川崎 一郎",
           "postal_first": "213", "postal_second": "0001", "address": "神奈川県川崎市高津区溝口1-1",
           "phone": "044-811-0001", "email": "takatsu@example.jp",
           "email_confirm": "takatsu@example.jp"}


BUSINESS = {FRUIT[0]: "ブレーメン商店街", LIBRARY[0]: "川崎市立図書館"}
PLACES = {FRUIT[0]: "〇〇果実店", MUSEUM[0]: "川崎市藤子・F・不二雄ミュージアム", CHAMBER[0]: "XX商工会"}


def register(services: Any, terminal: tuple[str, str]) -> Any:
    """Register the terminal through the core (screens 9/10 have their own tests)."""
    from terminal_app.domain.contact import ContactForm

    terminal_id, password = terminal
    precheck = services.registration.precheck(terminal_id, password)
    business = next((b.id for b in precheck.id_businesses
                     if b.name == BUSINESS.get(terminal_id)), None)
    contact = dict(CONTACT, place=PLACES.get(terminal_id, CONTACT["place"]))
    form = ContactForm(id_business_id=business, **contact)
    return services.registration.register(terminal_id, password, form, precheck=precheck)


class FlakyTransport:
    """The real HTTP transport with injected failures at the network boundary: "after" means
    the cloud handled the request but the answer was lost (a cut cable after 利用)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.faults: dict[str, list[str]] = {}

    def request(self, method: str, path: str, headers: Any, body: bytes | None,
                timeout_s: float) -> Any:
        from terminal_app.api.errors import CloudUnreachable

        planned = self.faults.get(path, [])
        fault = planned.pop(0) if planned else None
        if fault == "before":
            raise CloudUnreachable("ConnectionError")
        response = self.inner.request(method, path, headers, body, timeout_s)
        if fault == "after":
            raise CloudUnreachable("ReadTimeout")
        return response


def type_text(qtbot: Any, edit: Any, text: str) -> None:
    """Type like a clerk: ASCII as key presses; Japanese as an input-method commit (QTest can
    only synthesise ASCII key events)."""
    if text.isascii():
        qtbot.keyClicks(edit, text)
        return
    from PySide6.QtGui import QInputMethodEvent

    edit.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    from PySide6.QtWidgets import QApplication

    QApplication.sendEvent(edit, event)
