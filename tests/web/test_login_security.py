"""The console's login: GIVEN 20 wrong passwords for one staff login sent at the same moment
WHEN they are checked THEN every one is counted and the login is locked (on PostgreSQL too, where
each attempt runs in its own transaction at the same time); the session cookie is Secure over
HTTPS."""
from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import select

from cloud_api.db import unit_of_work
from cloud_api.models.console import ConsoleUser
from cloud_api.services.console.login import login


def test_parallel_wrong_passwords_are_each_counted(console: Any) -> None:
    sessions = console.app.extensions["mykey"].sessions
    attempts = 20
    barrier = threading.Barrier(attempts)
    errors: list[str | None] = []

    def guess(n: int) -> None:
        barrier.wait(30)
        with unit_of_work(sessions) as s:
            errors.append(login(s, "kawasaki", f"wrong-{n}", 5).error)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(errors) == attempts
    assert errors.count("web_login_failed") == 4          # the fifth locks the login
    with unit_of_work(sessions) as s:
        user = s.scalar(select(ConsoleUser).where(ConsoleUser.login_id == "kawasaki"))
        assert user is not None and user.locked and user.failed_attempts >= 5


def test_the_session_cookie_is_secure_when_the_console_came_over_https(console: Any) -> None:
    """Behind the TLS proxy (MYKEY_PROXY_HOPS) the request is HTTPS: the cookie gets Secure and
    never travels in clear; the demo over plain HTTP keeps a cookie it can use."""
    for base, secure in (("https://console.example.jp", True), ("http://127.0.0.1", False)):
        client = console.app.test_client()
        page = client.get("/console/login", base_url=base)
        cookie = page.headers.get("Set-Cookie", "")
        assert cookie.startswith("session=") and "HttpOnly" in cookie, cookie
        assert ("Secure" in cookie) is secure, (base, cookie)
