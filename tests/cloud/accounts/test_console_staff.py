"""`mykey-cloud console-staff` and the demo's staff logins: the web console's municipal and
partner logins can be created, refused when wrong, unlocked, and used to log in."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from cloud_api.cli import main
from cloud_api.models.console import ConsoleUser
from cloud_api.services.console.login import login


@pytest.fixture
def env(db_url: str, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("MYKEY_CLOUD_HOME", str(tmp_path / "home"))
    engine = create_engine(db_url)
    yield engine
    engine.dispose()


def _login(engine, login_id: str, password: str):  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        outcome = login(s, login_id, password, max_failures=5)
        s.commit()
        return outcome


def test_given_demo_data_when_a_demo_staff_logs_in_then_it_is_kawasakis_console(env) -> None:
    assert main(["demo-data"]) == 0
    outcome = _login(env, "kawasaki01", "kawasaki-demo1")
    assert outcome.error is None and outcome.identity.municipality_code == "141305"
    partner = _login(env, "jal01", "jal-demo-pass1")
    assert partner.identity is not None and partner.identity.partner_name == "JAL"
    assert main(["demo-data"]) == 0  # idempotent: no second set of staff
    with Session(env) as s:
        assert s.scalar(select(func.count()).select_from(ConsoleUser)) == 4


def test_given_a_generated_password_when_staff_added_then_it_logs_in(env, capsys) -> None:
    main(["demo-data"])
    assert main(["console-staff", "sapporo01", "--municipality", "141305", "--name", "企画課"]) == 0
    password = capsys.readouterr().out.split("パスワード: ")[1].strip()
    assert _login(env, "sapporo01", password).identity is not None
    assert main(["console-staff", "sapporo01", "--municipality", "141305"]) == 1
    assert "既に登録" in capsys.readouterr().err


@pytest.mark.parametrize("argv, text", [
    (["console-staff", "ab", "--partner", "JAL"], "英数字4〜32文字"),
    (["console-staff", "okstaff1", "--municipality", "141306"], "コードが正しくありません"),
    (["console-staff", "okstaff1"], "--municipality"),
])
def test_given_bad_input_when_adding_staff_then_japanese_error_and_nothing_added(
        env, capsys, argv: list[str], text: str) -> None:
    main(["demo-data"])
    assert main(argv) == 1
    assert text in capsys.readouterr().err
    with Session(env) as s:
        assert s.scalar(select(func.count()).select_from(ConsoleUser)) == 4


def test_given_a_locked_login_when_unlocked_then_it_logs_in_again(env, monkeypatch) -> None:
    main(["demo-data"])
    for _ in range(5):
        _login(env, "toshima01", "wrong-password")
    assert _login(env, "toshima01", "toshima-demo1").error == "web_login_locked"
    assert main(["console-staff", "toshima01", "--unlock"]) == 0
    assert _login(env, "toshima01", "toshima-demo1").identity is not None


def test_given_a_password_on_stdin_when_added_then_it_is_not_printed(env, monkeypatch, capsys) -> None:
    main(["demo-data"])
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password-1\n"))
    assert main(["console-staff", "jcb01", "--partner", "JCB", "--password-stdin"]) == 0
    assert "a-long-password-1" not in capsys.readouterr().out
    assert _login(env, "jcb01", "a-long-password-1").identity.partner_name == "JCB"
