"""GIVEN config files and environment WHEN the terminal config is loaded THEN values are typed."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from terminal_app.config import TerminalConfig, default_home, load_config
from terminal_app.domain.errors import UserFacingError


def test_defaults_when_home_is_empty(home: Path) -> None:
    config = load_config(env={"MYKEY_HOME": str(home)})
    assert config.home == home
    assert config.cloud_url == "http://127.0.0.1:8080"
    assert config.reader_spec == "pcsc"
    assert config.outbox_path == home / "outbox.sqlite3"
    assert config.effective_merge_folder == home / "merge"


def test_environment_wins_over_the_file(home: Path) -> None:
    (home / "config.json").write_text(json.dumps(
        {"cloud_url": "http://file:1", "http_retries": 5, "printer_spec": "file:/dev/null"}))
    config = load_config(env={"MYKEY_HOME": str(home), "MYKEY_CLOUD_URL": "https://cloud:8443",
                              "MYKEY_DEMO": "1", "MYKEY_HTTP_TIMEOUT_S": "2.5"})
    assert config.cloud_url == "https://cloud:8443"
    assert config.http_retries == 5 and config.http_timeout_s == 2.5
    assert config.demo is True and config.printer_spec == "file:/dev/null"


def test_save_then_load_round_trips(home: Path) -> None:
    original = TerminalConfig(home=home, reader_spec="virtual:card.json",
                              merge_folder=home / "shop", keystroke_terminator="tab")
    original.save()
    assert load_config(env={"MYKEY_HOME": str(home)}) == original


@pytest.mark.parametrize("content, env", [
    ("{not json", {}),
    ("[1, 2]", {}),
    ('{"http_retries": "many"}', {}),
    ("{}", {"MYKEY_CLOUD_URL": "ftp://x"}),
    ("{}", {"MYKEY_KEYSTROKE_TERMINATOR": "space"}),
    ("{}", {"MYKEY_DEMO": "perhaps"}),
])
def test_bad_settings_give_a_japanese_error(home: Path, content: str, env: dict[str, str]) -> None:
    (home / "config.json").write_text(content)
    with pytest.raises(UserFacingError) as info:
        load_config(env={"MYKEY_HOME": str(home), **env})
    assert "設定" in str(info.value)


def test_side_by_side_terminals_have_separate_homes(tmp_path: Path) -> None:
    a = load_config(env={"MYKEY_HOME": str(tmp_path / "a")})
    b = load_config(env={"MYKEY_HOME": str(tmp_path / "b")})
    assert a.outbox_path != b.outbox_path


def test_default_home_per_platform(tmp_path: Path) -> None:
    assert default_home({"LOCALAPPDATA": "C:\\Users\\x\\AppData\\Local"}, "win32").name == "MyKey"
    assert default_home({"XDG_DATA_HOME": str(tmp_path)}, "linux") == tmp_path / "mykey-terminal"
