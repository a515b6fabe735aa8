"""Shared fixtures of the cloud tests: the app on a fresh database, factories, signed clients.

- `clock`: a FixedClock at 2026-11-22 10:00 JST (move it with `clock.advance(days=1)`).
- `app` / `client`: create_app on `db_url` (SQLite file or a fresh PostgreSQL database), tables
  created from the models, a JPKI folder at `settings.jpki_ca_dir` (empty until a test CA is put
  there), secret key "test-secret".
- `factory`: inserts municipalities, points, ID businesses, terminals, holders directly.
- `signed_client(terminal_id)`: a client that signs every request as that registered terminal
  (Ed25519 key made by `factory.terminal(..., registered=True)`), with an Idempotency-Key on
  mutating requests; `.raw(method, path, ...)` gives full control for the negative tests.
"""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from flask.testing import FlaskClient

from cloud_api import create_app, models
from cloud_api.clock import JST, FixedClock
from cloud_api.config import Settings
from cloud_api.db import unit_of_work
from cloud_api.models.accounts import (
    EventTarget,
    Holder,
    HolderCertificate,
    IdBusiness,
    Municipality,
    MykeyIdRegistry,
    Point,
    Terminal,
)
from cloud_api.services.passwords import hash_password
from cloud_api.services.terminal_auth import canonical_string

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=JST)
CLIENT_VERSION = "0.1.0"
# 画面10's contact, which registration requires (the place and name are the terminal's own)
CONTACT = {"person": "川崎 太郎", "postal_code": "2130001", "address": "神奈川県川崎市高津区溝口1-1",
           "phone": "044-000-0000", "email": "counter@example.jp"}
# The hashes are slow by design; tests hash each distinct password once.
_HASHES: dict[str, str] = {}


def fast_hash(password: str) -> str:
    if password not in _HASHES:
        _HASHES[password] = hash_password(password)
    return _HASHES[password]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    (tmp_path / "jpki").mkdir()
    return Settings(database_url=db_url, data_dir=tmp_path / "data", testing=True,
                    secret_key="test-secret", jpki_ca_dir=tmp_path / "jpki")


@pytest.fixture
def app(settings: Settings, clock: FixedClock) -> Iterator[Flask]:
    application = create_app(settings, clock)
    engine = application.extensions["mykey"].engine
    models.Base.metadata.create_all(engine)
    yield application
    engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def sessions(app: Flask):  # type: ignore[no-untyped-def]
    return app.extensions["mykey"].sessions


@dataclass
class TerminalKey:
    terminal_id: str
    private_key: Ed25519PrivateKey
    fingerprint: str

    @property
    def public_b64(self) -> str:
        raw = self.private_key.public_key().public_bytes(serialization.Encoding.Raw,
                                                         serialization.PublicFormat.Raw)
        return base64.b64encode(raw).decode()


def new_key(terminal_id: str) -> TerminalKey:
    return TerminalKey(terminal_id, Ed25519PrivateKey.generate(),
                       hashlib.sha256(secrets.token_bytes(16)).hexdigest())


@dataclass
class Factory:
    """Direct inserts for arranging tests (each in its own committed transaction)."""

    app: Flask
    keys: dict[str, TerminalKey] = field(default_factory=dict)

    def _add(self, *rows: Any) -> None:
        with unit_of_work(self.app.extensions["mykey"].sessions) as s:
            s.add_all(rows)

    def municipality(self, code: str = "141305", name: str = "川崎市",
                     prefecture: str = "神奈川県") -> str:
        self._add(Municipality(code=code, name=name, prefecture=prefecture))
        return code

    def point(self, municipality_code: str = "141305", name: str = "川崎市ポイント",
              validity_days: int = 60, kind: str = "municipal", service: tuple[date, date] | None
              = None, targets: list[dict[str, Any]] | None = None) -> int:
        with unit_of_work(self.app.extensions["mykey"].sessions) as s:
            p = Point(kind=kind, municipality_code=municipality_code, name=name,
                      validity_days=validity_days, service_from=service[0] if service else None,
                      service_to=service[1] if service else None, show_on_mypage=True)
            s.add(p)
            s.flush()
            s.add_all(EventTarget(point_id=p.id, **t) for t in targets or [])
            return p.id

    def id_business(self, id: str = "000001", name: str = "川崎市立図書館",
                    municipality_code: str = "141305", **kw: Any) -> str:
        self._add(IdBusiness(id=id, name=name, municipality_code=municipality_code,
                             lookup_mode=kw.pop("lookup_mode", "number"),
                             symbology=kw.pop("symbology", "code128"), **kw))
        return id

    def terminal(self, terminal_id: str, category: str = "I", *, password: str = "e912kfja",
                 municipality_code: str = "141305", registered: bool = True,
                 also_point_use: bool = False, id_business_id: str | None = None,
                 place: str = "高津図書館", name: str = "高津図書館1台目") -> TerminalKey:
        key = new_key(terminal_id)
        self._add(Terminal(
            terminal_id=terminal_id, municipality_code=municipality_code, category=category,
            also_point_use=also_point_use, id_business_id=id_business_id, place=place,
            name=name, password_hash=fast_hash(password), failed_attempts=0,
            state="active" if registered else "issued",
            public_key=key.public_b64 if registered else None,
            fingerprint=key.fingerprint if registered else None,
            registered_at=NOW if registered else None,
            **(CONTACT if registered else {})))
        self.keys[terminal_id] = key
        return key

    def holder(self, mykey_id: str = "MY123456", auth_serial: str = "30D45",
               base_municipality_code: str | None = None) -> int:
        with unit_of_work(self.app.extensions["mykey"].sessions) as s:
            s.add(MykeyIdRegistry(mykey_id=mykey_id, assigned_at=NOW))
            s.flush()
            h = Holder(mykey_id=mykey_id, state="active", mypage_password_hash="x",
                       base_municipality_code=base_municipality_code, created_at=NOW)
            s.add(h)
            s.flush()
            s.add(HolderCertificate(holder_id=h.id, kind="auth", serial=auth_serial,
                                    not_after=datetime(2030, 1, 1, tzinfo=JST), current=True,
                                    registered_at=NOW))
            return h.id


@pytest.fixture
def factory(app: Flask) -> Factory:
    return Factory(app)


class SignedClient:
    """Signs requests as a registered terminal, exactly as docs/api.md describes."""

    def __init__(self, client: FlaskClient, key: TerminalKey, clock: FixedClock) -> None:
        self.client, self.key, self.clock = client, key, clock

    def headers(self, method: str, path: str, body: bytes, **override: str) -> dict[str, str]:
        ts = override.pop("timestamp", str(int(self.clock.now().timestamp())))
        nonce = override.pop("nonce", secrets.token_urlsafe(18))
        fp = override.pop("fingerprint", self.key.fingerprint)
        text = canonical_string(method, path, ts, nonce, fp, body)
        sig = base64.b64encode(self.key.private_key.sign(text.encode())).decode()
        h = {"X-MyKey-Terminal": self.key.terminal_id, "X-MyKey-Timestamp": ts,
             "X-MyKey-Nonce": nonce, "X-MyKey-Fingerprint": fp, "X-MyKey-Signature": sig,
             "X-MyKey-Client-Version": CLIENT_VERSION, "Content-Type": "application/json"}
        if method in ("POST", "PUT", "DELETE"):
            h["Idempotency-Key"] = secrets.token_urlsafe(12)
        h.update(override)
        return h

    def raw(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
            ) -> Any:
        return self.client.open(path, method=method, data=body, headers=headers or {})

    def request(self, method: str, path: str, payload: Any = None, **override: str) -> Any:
        body = b"" if payload is None else json.dumps(payload).encode()
        return self.raw(method, path, body, self.headers(method, path, body, **override))

    def get(self, path: str, **override: str) -> Any:
        return self.request("GET", path, None, **override)

    def post(self, path: str, payload: Any = None, **override: str) -> Any:
        return self.request("POST", path, payload if payload is not None else {}, **override)

    def put(self, path: str, payload: Any = None, **override: str) -> Any:
        return self.request("PUT", path, payload, **override)


@pytest.fixture
def signed_client(client: FlaskClient, factory: Factory, clock: FixedClock):  # type: ignore[no-untyped-def]
    """signed_client("00052459") → a SignedClient for a terminal made by the factory."""
    def make(terminal_id: str) -> SignedClient:
        return SignedClient(client, factory.keys[terminal_id], clock)
    return make


@pytest.fixture
def kawasaki(factory: Factory) -> Factory:
    """川崎市 with its point (60 days) and 川崎市立図書館 (ID business 000001)."""
    factory.municipality()
    factory.point()
    factory.id_business(symbology="nw7")
    return factory


def problem(resp: Any) -> dict[str, Any]:
    """The problem+json body of an error response (asserting its media type)."""
    assert resp.mimetype == "application/problem+json", resp.get_data(as_text=True)
    return resp.get_json()  # type: ignore[no-any-return]


__all__ = ["NOW", "Factory", "SignedClient", "problem"]
