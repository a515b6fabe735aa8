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
    """Cards + `mykey-cloud init-db` + `demo-data --certs-dir`, run in-process once."""
    from cloud_api.cli import main as cloud_cli

    world = build_world(root / "world")
    with environment(MYKEY_CLOUD_HOME=str(world.cloud_home), MYKEY_JPKI_CA_DIR=str(world.ca_dir),
                     MYKEY_MERGE_KEY_HEX=MERGE_KEY_HEX, MYKEY_MERGE_HASH_SECRET="ui-test"):
        os.environ.pop("DATABASE_URL", None)
        assert cloud_cli(["init-db"]) == 0
        assert cloud_cli(["demo-data", "--certs-dir", str(world.certs_dir)]) == 0
    return WorldTemplate(world.root)


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
                           printer_spec: str = "", **config: Any) -> Any:
    """The real core (build_services) for a terminal in `home`, with an in-memory keyring."""
    from terminal_app.config import TerminalConfig
    from terminal_app.services.container import build_services

    (home / "merge").mkdir(parents=True, exist_ok=True)
    settings = dict(http_retries=1, retry_backoff_s=0.0, http_timeout_s=5.0,
                    merge_folder=home / "merge", reader_spec="virtual:")
    settings.update(config)
    cfg = TerminalConfig(home=home, cloud_url=cloud_url, printer_spec=printer_spec, **settings)
    return build_services(cfg, reader=reader, keyring_backend=MemoryKeyring())  # type: ignore[arg-type]


def closed_port_url() -> str:
    """A loopback URL nobody listens on (the port was free a moment ago)."""
    from terminal_app.demo import free_port

    return f"http://127.0.0.1:{free_port()}"
