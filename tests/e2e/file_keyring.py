"""A file-backed keyring for the end-to-end test's `mykey-terminal` subprocesses.

The CLI keeps the terminal's Ed25519 key in the OS keyring between commands; a headless test
machine has no Secret Service, so the E2E test selects this backend with
`PYTHON_KEYRING_BACKEND=tests.e2e.file_keyring.FileKeyring` and points
`MYKEY_E2E_KEYRING_FILE` at a JSON file in the test's temporary folder. Test use only.
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import keyring.errors
from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

ENV_FILE = "MYKEY_E2E_KEYRING_FILE"


class FileKeyring(KeyringBackend):
    """service/username -> secret in one JSON file, replaced atomically on every write."""

    priority = 1  # type: ignore[assignment]

    @staticmethod
    def _path() -> Path:
        name = os.environ.get(ENV_FILE)
        if not name:
            raise keyring.errors.KeyringError(f"{ENV_FILE} is not set")
        return Path(name)

    def _load(self) -> dict[str, str]:
        path = self._path()
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def _save(self, data: dict[str, str]) -> None:
        path = self._path()
        part = path.with_name(path.name + ".part")
        part.write_text(json.dumps(data), encoding="utf-8")
        os.replace(part, path)

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\x00{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}\x00{username}"] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}\x00{username}", None) is None:
            raise keyring.errors.PasswordDeleteError(username)
        self._save(data)
