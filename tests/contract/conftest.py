"""Contract fixtures: the REAL cloud app (create_app on the `db_url` database) seeded with the
seed's terminals and holders, reached by the terminal's own services through a transport
adapter over Flask's test client, and virtual My Number cards from the project's test JPKI CA.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from keyring.backend import KeyringBackend

from cloud_api.app import create_app
from cloud_api.clock import JST, FixedClock
from cloud_api.config import Settings
from cloud_api.db import Base, unit_of_work
from drivers.card.virtual.ca import JpkiCA, create_ca, issue_card
from drivers.card.virtual.card_file import CardDocument, save_card
from drivers.card.virtual.cert_builder import Holder as CardHolder
from drivers.card.virtual.reader import VirtualReader
from terminal_app.api.errors import CloudUnreachable
from terminal_app.api.transport import HttpResponse
from terminal_app.config import TerminalConfig
from terminal_app.services.container import Services, build_services
from tests.contract import seed
from tests.terminal.core.memory_keyring import MemoryKeyring

FP = "5e" * 32


class FlaskTransport:
    """The terminal's Transport over Flask's test client: same bytes, same headers.

    `faults` injects network failures per call: "before" (request never arrives) or "after"
    (the cloud handles it but the answer is lost)."""

    def __init__(self, app: Flask) -> None:
        self.client = app.test_client()
        self.faults: list[str | None] = []
        self.calls: list[tuple[str, str, dict[str, str], bytes | None]] = []

    def request(self, method: str, path: str, headers: Mapping[str, str], body: bytes | None,
                timeout_s: float) -> HttpResponse:
        fault = self.faults.pop(0) if self.faults else None
        self.calls.append((method, path, dict(headers), body))
        if fault == "before":
            raise CloudUnreachable("ConnectionError")
        response = self.client.open(path, method=method, headers=dict(headers), data=body)
        if fault == "after":
            raise CloudUnreachable("ReadTimeout")
        return HttpResponse(response.status_code, response.get_data(), dict(response.headers))


class CardPool:
    """Virtual cards issued once per session by the test CA (RSA key generation is slow);
    the n-th card a test asks for is the same document in every test, each test gets its own
    card file (so PIN counters never leak between tests) and its own database."""

    def __init__(self, ca: JpkiCA) -> None:
        self.ca = ca
        self._docs: dict[tuple[int, bool], CardDocument] = {}

    def get(self, n: int, with_sign_cert: bool) -> CardDocument:
        if (n, with_sign_cert) not in self._docs:
            holder = CardHolder("川崎　花子", "神奈川県川崎市高津区溝口１－１", date(1980, 2, 17), "2")
            self._docs[(n, with_sign_cert)] = issue_card(
                self.ca, holder, pin="1234", sign_password="ABC123" if with_sign_cert else None)
        return self._docs[(n, with_sign_cert)]


@dataclass
class World:
    app: Flask
    ca: JpkiCA
    transport: FlaskTransport
    reader: VirtualReader
    tmp: Path = Path(".")
    keyring: KeyringBackend = field(default_factory=MemoryKeyring)
    pool: CardPool | None = None
    issued: int = 0

    def services(self, name: str = "t1", **overrides: Any) -> Services:
        home = self.tmp / name
        settings: dict[str, Any] = {"merge_folder": home / "merge", "http_retries": 2,
                                    "retry_backoff_s": 0.0, **overrides}
        config = TerminalConfig(home=home, **settings)
        (home / "merge").mkdir(parents=True, exist_ok=True)
        return build_services(config, transport=self.transport, reader=self.reader,
                              keyring_backend=self.keyring, fingerprint=lambda: FP)

    def new_card(self, mykey_id: str | None, *, balance: int = 1730,
                 sign_password: str | None = "ABC123") -> Path:
        """A virtual card file for a holder (registered with `balance` points unless None)."""
        assert self.pool is not None and sign_password in ("ABC123", None)
        doc = self.pool.get(self.issued, sign_password is not None)
        self.issued += 1
        path = self.tmp / f"card-{self.issued}-{mykey_id or 'unregistered'}.json"
        save_card(doc, path)
        if mykey_id:
            seed.holder(self.app, mykey_id, doc, balance)
        return path

    def insert(self, card_file: Path) -> None:
        self.reader.insert(card_file)


@pytest.fixture(scope="session")
def jpki_ca(tmp_path_factory: pytest.TempPathFactory) -> JpkiCA:
    """One test JPKI CA for the session (RSA key generation is the slow part)."""
    return create_ca(tmp_path_factory.mktemp("jpki-ca"))


@pytest.fixture(scope="session")
def card_pool(jpki_ca: JpkiCA) -> CardPool:
    return CardPool(jpki_ca)


@pytest.fixture
def world(db_url: str, tmp_path: Path, jpki_ca: JpkiCA, card_pool: CardPool) -> Iterator[World]:
    ca = jpki_ca
    clock = FixedClock(datetime.now(JST).replace(microsecond=0))
    settings = Settings(database_url=db_url, data_dir=tmp_path / "cloud", jpki_ca_dir=ca.directory,
                        secret_key="contract-test-secret", merge_key_hex="00112233445566778899aabbccddeeff",
                        merge_hash_secret="shotengai-secret", testing=True)
    app = create_app(settings, clock=clock)
    engine = app.extensions["mykey"].engine
    Base.metadata.create_all(engine)
    seed.base(app)
    world = World(app, ca, FlaskTransport(app), VirtualReader(), tmp=tmp_path, pool=card_pool)
    try:
        yield world
    finally:
        engine.dispose()


def unit(app: Flask) -> Any:
    return unit_of_work(app.extensions["mykey"].sessions)
