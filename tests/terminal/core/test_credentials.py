"""GIVEN the OS keyring WHEN the terminal credential is stored THEN it is there, per home, never logged."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest
from keyring.backends import null

from terminal_app.credentials import CredentialStore, TerminalCredential, service_name
from terminal_app.domain.errors import UserFacingError


def test_store_load_delete(home: Path, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    store = CredentialStore(home)
    assert store.load() is None
    credential = TerminalCredential.generate("00052459")
    store.save(credential)
    loaded = store.load()
    assert loaded is not None and loaded.terminal_id == "00052459"
    assert loaded.public_key_b64 == credential.public_key_b64
    store.delete()
    assert store.load() is None


def test_two_homes_do_not_share_a_credential(tmp_path: Path, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    CredentialStore(tmp_path / "a").save(TerminalCredential.generate("00052459"))
    assert CredentialStore(tmp_path / "b").load() is None
    assert service_name(tmp_path / "a") != service_name(tmp_path / "b")


def test_no_keyring_backend_is_a_clear_japanese_error(home: Path) -> None:
    store = CredentialStore(home, backend=null.Keyring())
    with pytest.raises(UserFacingError) as info:
        store.save(TerminalCredential.generate("00052459"))
    assert "キーリング" in str(info.value)


def test_failing_backend_is_a_clear_japanese_error(home: Path) -> None:
    from keyring.backends import fail

    with pytest.raises(UserFacingError) as info:
        CredentialStore(home, backend=fail.Keyring()).load()
    assert info.value.code == "keyring_unavailable"


def test_corrupt_secret_asks_for_re_registration(home: Path, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    store = CredentialStore(home)
    memory_keyring.set_password(store.service, "terminal", "{broken")
    with pytest.raises(UserFacingError) as info:
        store.load()
    assert info.value.code == "credential_corrupt"


def test_key_never_appears_in_repr_or_logs(home: Path, memory_keyring, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    credential = TerminalCredential.generate("00052459")
    CredentialStore(home).save(credential)
    secret_part = credential.to_secret().split('"private_key": "')[1][:20]
    assert secret_part not in repr(credential)
    assert secret_part not in caplog.text
