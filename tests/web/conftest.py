"""Fixtures of the web-console tests: a seeded app, a loopback server, one headless Chromium.

The app is served by werkzeug's threaded server on 127.0.0.1 (port 0) and stopped in teardown;
the browser is Debian's chromium driven by Playwright, launched once per test session, with a
fresh context (cookies) per test.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from werkzeug.serving import make_server

from cloud_api.app import create_app
from cloud_api.clock import FixedClock
from cloud_api.config import Settings
from cloud_api.db import Base, unit_of_work
from tests.web.seed import NOW, PASSWORD, Seeded, seed

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@dataclass
class Console:
    app: Flask
    clock: FixedClock
    data: Seeded
    url: str = ""


@pytest.fixture
def console(db_url: str, tmp_path) -> Console:  # type: ignore[no-untyped-def]
    import cloud_api.models  # noqa: F401  (every table)

    clock = FixedClock(NOW)
    app = create_app(Settings(database_url=db_url, data_dir=tmp_path, testing=True,
                              secret_key="web-test-secret"), clock)
    cloud = app.extensions["mykey"]
    Base.metadata.create_all(cloud.engine)
    with unit_of_work(cloud.sessions) as session:
        data = seed(session)
    yield Console(app, clock, data)
    cloud.engine.dispose()


@pytest.fixture
def live(console: Console) -> Iterator[Console]:
    server = make_server("127.0.0.1", 0, console.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    console.url = f"http://127.0.0.1:{server.server_port}"
    yield console
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live: Console):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live.url, locale="ja-JP", accept_downloads=True)
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    context.close()


def login(page, login_id: str, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.goto("/console/login")
    page.fill("#login_id", login_id)
    page.fill("#password", password)
    page.click("#login-button")


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)
