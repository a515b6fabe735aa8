"""GIVEN a console screen whose database work fails WHEN the staff open it THEN they get the
console's error page in Japanese, never JSON or a traceback: 503 when the database was only busy
(nothing changed, try again), 500 with a report id otherwise, the traceback in the log only."""
from __future__ import annotations

import logging
import sqlite3
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from cloud_api.web import views_staff
from tests.web.conftest import csrf_of
from tests.web.seed import PASSWORD


def _staff(console: Any) -> Any:
    client = console.app.test_client()
    token = csrf_of(client.get("/console/login").get_data(as_text=True))
    client.post("/console/login", data={"login_id": "kawasaki", "password": PASSWORD,
                                        "csrf_token": token})
    assert client.get("/console/staff-locks").status_code == 200
    return client


def _failing(monkeypatch: pytest.MonkeyPatch, exc: Exception) -> None:
    def fail(*_args: object) -> None:
        raise exc
    monkeypatch.setattr(views_staff.logins, "locked_logins", fail)


def test_a_busy_database_is_a_503_page_saying_nothing_changed(console: Any,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    client = _staff(console)
    _failing(monkeypatch, OperationalError("SELECT …", {},
                                           sqlite3.OperationalError("database is locked")))
    page = client.get("/console/staff-locks")
    html = page.get_data(as_text=True)
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert "混み合っているため処理できませんでした（何も変更していません）" in html


def test_a_bug_is_a_500_page_with_a_report_id_and_the_traceback_only_in_the_log(
        console: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    client = _staff(console)
    _failing(monkeypatch, RuntimeError("internal detail 42"))
    with caplog.at_level(logging.ERROR):
        page = client.get("/console/staff-locks")
    html = page.get_data(as_text=True)
    assert page.status_code == 500 and page.mimetype == "text/html"
    assert "システムエラーが発生しました" in html and "問い合わせ番号" in html
    assert "internal detail 42" not in html and "Traceback" not in html
    report_id = html.split("問い合わせ番号: ")[1][:12]
    logged = [r for r in caplog.records if report_id in r.getMessage()]
    assert logged and logged[0].exc_info is not None


def test_an_unknown_console_address_is_the_consoles_page_and_the_apis_stays_json(
        console: Any) -> None:
    client = console.app.test_client()
    for method, path, status in (("GET", "/console/nope", 404), ("POST", "/console/menu", 405)):
        page = client.open(path, method=method)
        assert (page.status_code, page.mimetype) == (status, "text/html"), path
        assert "エラー" in page.get_data(as_text=True)
    api = client.get("/api/v1/nope")
    assert (api.status_code, api.mimetype) == (404, "application/problem+json")
    assert api.get_json()["code"] == "not_found"

