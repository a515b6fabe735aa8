"""Operational polish of the desktop app: masked rotating logs, the diagnostics zip, the ヘルプ
menu (バージョン情報, 診断情報の送信), the update-required notice (426), start-up without an OS
keyring, the screen report file, and the ID自動引渡し focus hand-back of 画面26.

GIVEN/WHEN/THEN in the test names; windows run offscreen over the real core services.
"""
from __future__ import annotations

import io
import json
import logging
import os
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.terminal.ui.harness import LIBRARY, LoopbackCloud, closed_port_url, register

PIN = "4821"
PASSWORD = "Secret-Pass-99"
TOKEN = "ct_9f8e7d6c5b4a39281706"
CERT_BODY = "MIIBszCCAVmgAwIBAgIUQ29ycmVjdEhvcnNlQmF0dGVyeVN0YXBsZTEwCgYIKoZIzj0EAwIw"
CERT_PEM = f"-----BEGIN CERTIFICATE-----\n{CERT_BODY}\n{CERT_BODY}\n-----END CERTIFICATE-----"
PLANTED = (PIN, PASSWORD, TOKEN, CERT_BODY)
SECRET_LINES = (f"card read with PIN={PIN}", f"login password: '{PASSWORD}'",
                f"sign_password={PASSWORD}", f"暗証番号 {PIN} で照合", f"card_token={TOKEN}",
                f"certificate {CERT_PEM}")


# logging -----------------------------------------------------------------------------------------
def _masked_output(*records: tuple[str, tuple[Any, ...]]) -> str:
    from terminal_app.logging_setup import SecretMaskingFilter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(SecretMaskingFilter())
    logger = logging.getLogger("tests.masking")
    logger.addHandler(handler)
    try:
        for msg, args in records:
            logger.warning(msg, *args)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_given_secrets_in_log_records_when_written_then_masked_and_rest_kept() -> None:
    text = _masked_output(*[(line, ()) for line in SECRET_LINES],
                          ("pin=%s password=%s", (PIN, PASSWORD)),
                          ("残高 %s pt, 端末ID %s", ("1,230", "00052459")))
    for secret in PLANTED:
        assert secret not in text
    assert text.count("***") >= len(SECRET_LINES)
    assert "残高 1,230 pt, 端末ID 00052459" in text


def test_given_secret_in_exception_when_logged_with_traceback_then_masked() -> None:
    from terminal_app.logging_setup import SecretMaskingFilter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(SecretMaskingFilter())
    logger = logging.getLogger("tests.masking.exc")
    logger.addHandler(handler)
    try:
        raise ValueError(f"bad password={PASSWORD}")
    except ValueError:
        logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    assert "Traceback" in stream.getvalue() and PASSWORD not in stream.getvalue()


def test_given_home_when_logging_set_up_then_rotating_file_1mb_times_5(tmp_path: Path) -> None:
    from terminal_app.logging_setup import setup_logging

    logs = setup_logging(tmp_path, stderr=False)
    try:
        handler = logs.handlers[0]
        assert logs.path == tmp_path / "logs" / "terminal.log"
        assert (handler.maxBytes, handler.backupCount) == (1_000_000, 5)  # type: ignore[attr-defined]
        chunk = "screen menu shown; " * 50
        for _ in range(1100):
            logging.getLogger("tests.rotation").warning(chunk)
        logging.getLogger("tests.rotation").warning("PIN=%s", PIN)
    finally:
        logs.remove()
    assert (tmp_path / "logs" / "terminal.log.1").is_file()
    assert logs.path.stat().st_size < 1_000_000
    assert PIN not in logs.path.read_text(encoding="utf-8")


# diagnostics ----------------------------------------------------------------------------------
def _planted_home(home: Path) -> Any:
    """A terminal home whose log files (written before masking existed) hold secrets."""
    from terminal_app.config import TerminalConfig

    (home / "logs").mkdir(parents=True)
    (home / "logs" / "terminal.log").write_text(
        "\n".join(("2026-11-22 INFO screen menu",) + SECRET_LINES) + "\n", encoding="utf-8")
    (home / "logs" / "terminal.log.1").write_text(f"older pin: {PIN}\n", encoding="utf-8")
    return TerminalConfig(home=home, cloud_url=f"https://clerk:{PASSWORD}@cloud.example.jp/api",
                          reader_spec="virtual:", extra={"terminal_password": PASSWORD})


def test_given_planted_secrets_when_diagnostics_exported_then_zip_has_none(tmp_path: Path) -> None:
    from terminal_app.diagnostics import export_diagnostics

    config = _planted_home(tmp_path / "home")
    (tmp_path / "out").mkdir()
    path = export_diagnostics(tmp_path / "out", config, "1.2.3", terminal_id="00052459")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        texts = {name: archive.read(name).decode("utf-8") for name in names}
    assert set(names) == {"summary.json", "logs/terminal.log", "logs/terminal.log.1"}
    for name, text in texts.items():
        for secret in PLANTED:
            assert secret not in text, (name, secret)
        assert "BEGIN CERTIFICATE" not in text
    summary = json.loads(texts["summary.json"])
    assert (summary["version"], summary["terminal_id"]) == ("1.2.3", "00052459")
    assert summary["settings"]["cloud_url"] == "https://cloud.example.jp/api"
    assert summary["os"] and summary["reader"].startswith("virtual:")
    assert summary["printer"] == "not configured"
    assert "screen menu" in texts["logs/terminal.log"]


def test_given_missing_folder_when_exported_then_japanese_error_and_nothing_written(
        tmp_path: Path) -> None:
    from terminal_app.diagnostics import DiagnosticsError, export_diagnostics

    config = _planted_home(tmp_path / "home")
    with pytest.raises(DiagnosticsError) as info:
        export_diagnostics(tmp_path / "nowhere", config, "1.2.3")
    assert "フォルダ" in str(info.value)
    assert not (tmp_path / "nowhere").exists()


# the window ------------------------------------------------------------------------------------
def test_given_report_env_when_window_starts_then_screens_written_to_file(
        make_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "screens.txt"
    monkeypatch.setenv("MYKEY_REPORT_SCREEN_FILE", str(report))
    window = make_window(closed_port_url())
    window.navigate("start")
    assert report.read_text(encoding="utf-8").splitlines() == ["start", "s09"]


def test_given_no_keyring_when_app_starts_then_plain_message_on_first_screen(
        make_window: Any) -> None:
    from keyring.backends.fail import Keyring as FailKeyring

    window = make_window(closed_port_url(), keyring_backend=FailKeyring())
    window.navigate("start")
    assert window.current.screen_id == "start"
    assert "キーリング" in window.current.status.text


def test_given_menu_when_about_chosen_then_version_cloud_terminal_and_licences(
        make_window: Any) -> None:
    window = make_window(closed_port_url())
    actions = {a.text(): a for a in window.menuBar().actions()[0].menu().actions()}
    actions["バージョン情報"].trigger()
    box = window.findChild(type(window.show_about()), "aboutBox")
    text = box.text()
    for expected in ("マイキープラットフォーム等活用ソフト", "バージョン 0.1.0",
                     window.ctx.services.config.cloud_url, "未登録", "PySide6", "LGPL-3.0",
                     "IPA Font License", "pyscard", "pyserial"):
        assert expected in text, expected
    assert "https://moji.or.jp/ipafont/license/" in box.detailedText()


def test_given_window_when_diagnostics_exported_then_zip_in_chosen_folder(
        make_window: Any, qtbot: Any, tmp_path: Path) -> None:
    from terminal_app.ui import about

    window = make_window(closed_port_url())
    window.navigate("start")
    logging.getLogger("tests.diag").warning("password=%s", PASSWORD)
    about.export_diagnostics(window, window.version, folder=tmp_path)
    qtbot.waitUntil(lambda: getattr(window, "diagnostics_box", None) is not None, timeout=10000)
    assert window.diagnostics_box.objectName() == "diagnosticsDone"
    (path,) = tmp_path.glob("mykey-diagnostics-unregistered-*.zip")
    assert str(path) in window.diagnostics_box.text()


def test_given_cloud_requires_9_when_terminal_starts_then_update_notice(
        make_window: Any, cloud: LoopbackCloud, qtbot: Any) -> None:
    window = make_window(cloud.url)
    services = window.ctx.services
    register(services, LIBRARY)
    state = cloud.app.extensions["mykey"]
    state.settings = replace(state.settings, min_terminal_version="9.0.0")
    services.session.reset()
    window.navigate("start")
    qtbot.waitUntil(lambda: window.update_notice is not None, timeout=15000)
    text = window.update_notice.text()
    assert "9.0.0" in text and "0.1.0" in text and "インストール" in text
    assert window.update_notice.isVisible()
    assert "9.0.0" in window.current.status.text


def test_given_handoff_mode_when_id_handed_off_then_focus_returns_before_typing(
        make_window: Any, qtbot: Any) -> None:
    from drivers.keyboard.sender import KeystrokeSender
    from terminal_app.domain.models import IdBusiness, ServiceIdLookup
    from tests.recording_keys import RecordingInjector

    injector = RecordingInjector()
    window = make_window(closed_port_url(), keystrokes=KeystrokeSender(injector, name="test"))
    screen = window.screen_named("s25")
    business = IdBusiness("b1", "川崎市立図書館", "handoff", "code128")
    screen._hand_off(ServiceIdLookup(business, "mykey0001", "12345678"))
    qtbot.waitUntil(lambda: "<enter>" in injector.events, timeout=10000)
    assert injector.events[:3] == [f"<focus-from {int(window.winId())}>", "12345678", "<enter>"]
