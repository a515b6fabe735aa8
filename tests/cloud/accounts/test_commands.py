"""The other `mykey-cloud` commands: demo-data (idempotent, certs), reset-terminal,
import-cert-links, and `serve` answering /health on a real WSGI server."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from cloud_api.cli import main
from cloud_api.clock import JST
from cloud_api.models.accounts import CertLink, Holder, HolderCertificate, Point, Terminal
from cloud_api.models.ledger import JournalTxn
from cloud_api.services.ledger.balances import balances_for
from cloud_api.services.points import ref_of
from tests.cloud.accounts.helpers import make_ca, new_card
from tests.cloud.conftest import NOW


@pytest.fixture
def env(db_url: str, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("MYKEY_CLOUD_HOME", str(tmp_path / "home"))
    engine = create_engine(db_url)
    yield engine
    engine.dispose()


def test_demo_data_is_complete_and_idempotent(env, tmp_path: Path) -> None:
    certs = tmp_path / "certs"
    certs.mkdir()
    card = new_card(make_ca(tmp_path / "ca"), NOW)
    (certs / "MY123456.pem").write_bytes(card.cert.public_bytes(serialization.Encoding.PEM))
    assert main(["demo-data", "--certs-dir", str(certs)]) == 0
    assert main(["demo-data", "--certs-dir", str(certs)]) == 0
    with Session(env) as s:
        kinds = dict(s.execute(select(JournalTxn.kind, func.count()).group_by(JournalTxn.kind)).all())
        assert kinds == {"grant": 4, "partner_transfer": 4}   # demo_partners: JAL's 4 transfers
        assert s.scalar(select(func.count()).select_from(Terminal)) == 7
        holder = s.scalar(select(Holder).where(Holder.mykey_id == "MY123456"))
        points = [ref_of(p) for p in s.scalars(select(Point).order_by(Point.id))]
        today = datetime.now(JST).date()
        got = {b.name: b.balance for b in balances_for(s, holder.id, points, today)}
        assert got == {"川崎市ポイント": 1730, "豊島区ポイント": 0, "阿波踊りにぎわいプロジェクト": 980}
        cert = s.scalar(select(HolderCertificate).where(HolderCertificate.holder_id == holder.id))
        assert cert.serial == card.serial
        event = s.scalar(select(Point).where(Point.kind == "event"))
        assert event.service_from <= today <= event.service_to


def test_a_command_on_a_database_without_tables_says_to_run_init_db(env, capsys) -> None:
    """GIVEN a database init-db has not made WHEN a command needs its tables THEN exit 2 with a
    Japanese sentence naming init-db, and no traceback for the operator."""
    assert main(["add-municipality", "141305", "川崎市", "神奈川県"]) == 2
    err = capsys.readouterr().err
    assert "初期化されていません（mykey-cloud init-db を実行してください）" in err
    assert "Traceback" not in err


def test_reset_terminal_prints_a_new_password(env, capsys) -> None:
    main(["demo-data"])
    assert main(["reset-terminal", "00052459", "--new-password"]) == 0
    out = capsys.readouterr().out
    assert "新しい端末パスワード: " in out and len(out.split(": ")[-1].strip()) >= 12
    assert main(["reset-terminal", "99999999"]) == 1
    assert "99999999" in capsys.readouterr().err


def test_import_cert_links_cli(env, tmp_path: Path, capsys) -> None:
    main(["init-db"])
    links = tmp_path / "succession.csv"
    links.write_text("old_serial,new_serial,linked_at\n65536,65537,2026-11-22\n", encoding="utf-8")
    assert main(["import-cert-links", str(links)]) == 0
    assert main(["import-cert-links", str(links)]) == 0          # again: nothing new
    hexa = tmp_path / "hex.csv"
    hexa.write_text("old_serial,new_serial\n10001,10002\n", encoding="utf-8")
    assert main(["import-cert-links", str(hexa), "--serial-base", "16"]) == 0
    with Session(env) as s:
        rows = sorted((r.old_serial, r.new_serial) for r in s.scalars(select(CertLink)))
    assert rows == [("10000", "10001"), ("10001", "10002")]
    conflict = tmp_path / "conflict.csv"
    conflict.write_text("old_serial,new_serial\n65536,99999\n", encoding="utf-8")
    assert main(["import-cert-links", str(conflict)]) == 1
    assert "2行目" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serving_app_freezes_what_start_up_built(env) -> None:
    """GIVEN a worker's app WHEN built THEN the objects of start-up are out of the garbage
    collector's reach (a full collection does not walk them again), and the app serves."""
    import gc

    from cloud_api.commands.serve import serving_app

    before = gc.get_freeze_count()
    try:
        app = serving_app()
        assert gc.get_freeze_count() > before + 10_000
        assert app.test_client().get("/api/v1/health").json == {"status": "ok"}
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("server", ["granian", "waitress", None])
def test_serve_runs_a_production_server(env, tmp_path: Path, server: str | None) -> None:
    """GIVEN serve with --server (or the default: granian) WHEN asked THEN that server answers."""
    import requests

    port = _free_port()
    chosen = ["--server", server] if server else []
    proc = subprocess.Popen([sys.executable, "-m", "cloud_api.cli", "serve", "--port", str(port),
                             "--workers", "1", *chosen], env=os.environ.copy(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline, answer = time.monotonic() + 30, None
        while answer is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=5)
            except requests.RequestException:
                time.sleep(0.1)   # not listening (or not answering) yet: poll its socket again
        assert answer is not None and answer.json() == {"status": "ok"}
        assert (server or "granian") in (answer.headers.get("Server") or "").lower()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        if proc.stderr:
            proc.stderr.close()


def test_serve_with_json_logs_writes_one_json_object_per_line(env, tmp_path: Path) -> None:
    """GIVEN --log-format json WHEN a request is served THEN the server's and the app's log lines
    are JSON objects, and the access record names the path, the status and the request id."""
    import json
    import queue
    import threading

    import requests

    server, port = "granian", _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "cloud_api.cli", "serve", "--port", str(port),
                             "--workers", "1", "--server", server, "--log-format", "json"],
                            env=os.environ.copy(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(ln) for ln in proc.stdout or ()],
                              daemon=True)
    reader.start()
    records: list[dict] = []

    def access_line_seen() -> bool:
        # The access line is written after the response: wait for it (the server may drop a
        # line still being written when it is stopped).
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                records.append(json.loads(lines.get(timeout=0.2)))
            except queue.Empty:
                continue
            access = records[-1].get("access") or {}
            if records[-1]["logger"] == f"{server}.access" and access.get("path") == "/api/v1/health":
                return True
        return False

    try:
        deadline, answer = time.monotonic() + 30, None
        while answer is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=5,
                                      headers={"X-Request-ID": "req-0001"})
            except requests.RequestException:
                time.sleep(0.1)
        assert answer is not None and answer.status_code == 200
        assert access_line_seen(), records
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        reader.join(timeout=5)
        if proc.stdout:
            proc.stdout.close()
    while not lines.empty():
        records.append(json.loads(lines.get()))
    assert all({"time", "level", "logger"} <= set(r) for r in records)
    access = [r["access"] for r in records if r["logger"] == f"{server}.access"]
    assert any(a["path"] == "/api/v1/health" and a["status"] == 200
               and a["request_id"] == "req-0001" for a in access), records
