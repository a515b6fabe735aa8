"""GIVEN the cloud served over real HTTP on loopback WHEN the terminal uses its real transport
(requests) THEN registration, signed reads with a query string and a spend work end to end, and
a stopped server is reported as unreachable / outcome unknown."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest
from werkzeug.serving import BaseWSGIServer, make_server

from terminal_app.api.errors import CloudUnreachable
from terminal_app.api.transport import RequestsTransport
from terminal_app.domain.errors import OutcomeUnknown
from terminal_app.services.container import build_services
from tests.contract.conftest import FP, World
from tests.contract.helpers import registered


@pytest.fixture
def served(world: World) -> Iterator[tuple[World, BaseWSGIServer]]:
    server = make_server("127.0.0.1", 0, world.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield world, server
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def test_real_http_round_trip(served: tuple[World, BaseWSGIServer]) -> None:
    world, server = served
    url = f"http://127.0.0.1:{server.server_port}"
    world.transport = RequestsTransport(url)  # type: ignore[assignment]
    shop = registered(world, "00052559", cloud_url=url)
    world.insert(world.new_card("MY123456"))
    card = shop.cards.read()
    receipt = shop.points.spend(card, "00000001", 500)
    assert receipt.balance_after == 1230
    day = receipt.executed_at.date()
    report = shop.reports.place(day, day)      # signed path with a query string
    assert (report.count, report.points) == (1, 500)


def test_stopped_cloud(served: tuple[World, BaseWSGIServer]) -> None:
    world, server = served
    url = f"http://127.0.0.1:{server.server_port}"
    world.transport = RequestsTransport(url)  # type: ignore[assignment]
    shop = registered(world, "00052559", cloud_url=url)
    world.insert(world.new_card("MY123456"))
    card = shop.cards.read()
    server.shutdown()
    server.server_close()
    with pytest.raises(CloudUnreachable):
        shop.cards.read()
    with pytest.raises(OutcomeUnknown) as info:
        shop.points.spend(card, "00000001", 100)
    assert shop.session.outbox.store.get(info.value.key).state == "pending"  # type: ignore[union-attr]
    offline = build_services(replace(shop.config, http_timeout_s=1.0), transport=world.transport,
                             keyring_backend=world.keyring, fingerprint=lambda: FP)
    assert [r.response for r in offline.recheck.resume_pending()] == [None]


def test_cloud_mounted_under_a_path_prefix(world: World) -> None:
    from werkzeug.exceptions import NotFound
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    mounted = DispatcherMiddleware(NotFound(), {"/mykey": world.app})
    server = make_server("127.0.0.1", 0, mounted, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/mykey"
        world.transport = RequestsTransport(url)  # type: ignore[assignment]
        shop = registered(world, "00052559", cloud_url=url)
        assert shop.registration.terminal_info(refresh=True).terminal_id == "00052559"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
