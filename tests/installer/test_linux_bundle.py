"""The Linux desktop bundle: installer/linux/build.sh → tarball → install.sh → frozen program.

GIVEN the repository WHEN build.sh runs (PyInstaller, ~1-2 min, once per session) THEN the tarball
holds the one-folder program, the .desktop entry, the icon and install.sh; install.sh --user puts
them under a private HOME; the installed program starts offscreen on a fresh MYKEY_HOME and reports
画面9 (s09) through MYKEY_REPORT_SCREEN_FILE, writes its log file, survives a missing OS keyring,
and quits with 0 on SIGTERM. The install script alone is also checked fast (no PyInstaller).
"""
from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "installer" / "linux"
APP_NAME = "マイキープラットフォーム等活用ソフト"
START_TIMEOUT_S = 60.0


def _version() -> str:
    for line in (ROOT / "pyproject.toml").read_text(encoding="utf-8").splitlines():
        if line.startswith("version = "):
            return line.split('"')[1]
    raise AssertionError("no version in pyproject.toml")


def _desktop_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def _install_user(stage: Path, home: Path) -> dict[str, str]:
    env = dict(os.environ, HOME=str(home), XDG_DATA_HOME=str(home / "share"))
    subprocess.run([str(stage / "install.sh"), "--user"], env=env, check=True,
                   capture_output=True, timeout=120)
    return env


# fast: install.sh over a staged folder --------------------------------------------------------
def test_given_staged_bundle_when_install_user_then_program_desktop_entry_and_icon(
        tmp_path: Path) -> None:
    stage = tmp_path / "stage"
    (stage / "mykey-terminal").mkdir(parents=True)
    program = stage / "mykey-terminal" / "mykey-terminal"
    program.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    program.chmod(0o755)
    shutil.copy(LINUX / "install.sh", stage / "install.sh")
    shutil.copy(ROOT / "resources" / "icons" / "mykey-256.png", stage / "mykey-terminal.png")
    desktop = (LINUX / "mykey-terminal.desktop").read_text(encoding="utf-8")
    (stage / "mykey-terminal.desktop").write_text(desktop.replace("@VERSION@", "1.2.3"),
                                                  encoding="utf-8")
    home = tmp_path / "home"
    _install_user(stage, home)
    _install_user(stage, home)                      # a second run replaces, never nests
    installed = home / ".local" / "opt" / "mykey-terminal"
    assert sorted(p.name for p in installed.iterdir()) == ["mykey-terminal"]
    entry = _desktop_entry(home / "share" / "applications" / "mykey-terminal.desktop")
    assert entry["Name"] == APP_NAME and entry["Type"] == "Application"
    assert entry["Exec"] == str(installed / "mykey-terminal")
    assert entry["Icon"] == "mykey-terminal" and entry["X-MyKey-Version"] == "1.2.3"
    icon = home / "share" / "icons" / "hicolor" / "256x256" / "apps" / "mykey-terminal.png"
    assert icon.read_bytes() == (ROOT / "resources" / "icons" / "mykey-256.png").read_bytes()


def test_given_bad_option_or_non_root_system_install_then_japanese_refusal() -> None:
    if os.geteuid() != 0:                         # as root a system install would proceed
        result = subprocess.run([str(LINUX / "install.sh")], check=False, capture_output=True,
                                text=True, timeout=30)
        assert result.returncode == 1 and "root" in result.stderr and "--user" in result.stderr
    result = subprocess.run([str(LINUX / "install.sh"), "--bogus"], check=False,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "使い方" in result.stderr


# slow: the real frozen bundle ----------------------------------------------------------------
@pytest.fixture(scope="module")
def tarball(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle")
    started = time.monotonic()
    result = subprocess.run([str(LINUX / "build.sh"), "--out", str(out / "dist"),
                             "--work", str(out / "work")], check=False, capture_output=True,
                            text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-4000:]
    path = Path(result.stdout.strip().splitlines()[-1])
    print(f"\nbuild.sh: {time.monotonic() - started:.0f} s, "
          f"{path.stat().st_size / 1e6:.0f} MB tarball")
    shutil.rmtree(out / "work")
    return path


@pytest.fixture(scope="module")
def installed(tarball: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("installed")
    with tarfile.open(tarball) as archive:
        archive.extractall(root / "unpacked", filter="tar")
    (stage,) = (root / "unpacked").iterdir()
    _install_user(stage, root / "home")
    return root / "home"


class FrozenApp:
    """The installed program, started offscreen; stopped by its PID."""

    def __init__(self, program: Path, workdir: Path, keyring_backend: str) -> None:
        workdir.mkdir(parents=True)
        self.home = workdir / "mykey-home"
        self.report = workdir / "screens.txt"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MYKEY_", "PYTHON"))}
        env.update(QT_QPA_PLATFORM="offscreen", MYKEY_HOME=str(self.home),
                   MYKEY_REPORT_SCREEN_FILE=str(self.report), MYKEY_CLOUD_URL=_closed_url(),
                   PYTHON_KEYRING_BACKEND=keyring_backend, HOME=str(workdir))
        self.output = (workdir / "output.txt").open("wb")
        self.process = subprocess.Popen([str(program)], env=env, stdout=self.output,
                                        stderr=subprocess.STDOUT, cwd=workdir)

    def screens(self) -> list[str]:
        return self.report.read_text(encoding="utf-8").split() if self.report.exists() else []

    def wait_for_screen(self, name: str) -> float:
        started = time.monotonic()
        while name not in self.screens():
            assert self.process.poll() is None, f"exited {self.process.returncode}"
            assert time.monotonic() - started < START_TIMEOUT_S, self.screens()
            time.sleep(0.05)
        return time.monotonic() - started

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.output.close()
        return int(self.process.returncode)


def _closed_url() -> str:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
def start_app(installed: Path, tmp_path: Path) -> Iterator[type[FrozenApp]]:
    program = installed / ".local" / "opt" / "mykey-terminal" / "mykey-terminal"
    apps: list[FrozenApp] = []

    def start(keyring_backend: str) -> FrozenApp:
        app = FrozenApp(program, tmp_path / f"run{len(apps)}", keyring_backend)
        apps.append(app)
        return app

    yield start  # type: ignore[misc]
    for app in apps:
        app.stop()


@pytest.mark.slow
def test_given_tarball_then_folder_desktop_entry_icon_and_installer(tarball: Path) -> None:
    name = f"mykey-terminal-{_version()}-linux-x86_64"
    assert tarball.name == f"{name}.tar.gz"
    with tarfile.open(tarball) as archive:
        members = {m.name: m for m in archive.getmembers()}
    for part in ("mykey-terminal/mykey-terminal", "mykey-terminal.desktop",
                 "mykey-terminal.png", "install.sh", "README.txt",
                 "mykey-terminal/_internal/resources/printers/tm-t88-kanji.json",
                 "mykey-terminal/_internal/resources/icons/mykey-256.png",
                 "mykey-terminal/_internal/resources/fonts/README.md"):
        assert f"{name}/{part}" in members, part
    assert members[f"{name}/install.sh"].mode & 0o111
    assert not any("cloud_api" in m or "/flask/" in m for m in members)


@pytest.mark.slow
def test_given_installed_bundle_when_started_fresh_then_screen_9_log_and_clean_exit(
        installed: Path, start_app: Any) -> None:
    entry = _desktop_entry(installed / "share" / "applications" / "mykey-terminal.desktop")
    assert entry["Name"] == APP_NAME and Path(entry["Exec"]).is_file()
    app = start_app("keyring.backends.null.Keyring")
    seconds = app.wait_for_screen("s09")
    print(f"\nfrozen start to 画面9: {seconds:.1f} s")
    assert app.screens() == ["start", "s09"]
    assert app.stop() == 0
    log_text = (app.home / "logs" / "terminal.log").read_text(encoding="utf-8")
    assert f"活用ソフト {_version()} starting" in log_text and "screen s09" in log_text


@pytest.mark.slow
def test_given_no_usable_keyring_when_frozen_app_starts_then_message_not_crash(
        start_app: Any) -> None:
    app = start_app("keyring.backends.fail.Keyring")
    app.wait_for_screen("start")
    log_path = app.home / "logs" / "terminal.log"
    deadline = time.monotonic() + START_TIMEOUT_S
    while "keyring_unavailable" not in (log_path.read_text("utf-8") if log_path.exists() else ""):
        assert app.process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    assert app.process.poll() is None           # still running, showing the message
    assert app.stop() == 0
