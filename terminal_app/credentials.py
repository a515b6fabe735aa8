"""The terminal's credential (terminal ID + Ed25519 private key) in the OS keyring, never a file.

Windows keeps it in the Credential Manager, Linux in the Secret Service (gnome-keyring, KWallet);
the `keyring` package picks the backend. The keyring service name contains a hash of the home
folder, so terminals running side by side (different MYKEY_HOME) never share a credential.
When no usable backend exists (a headless Linux without Secret Service) the user gets a clear
Japanese error instead of a silent plaintext fallback. Key material is never logged.
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import keyring
import keyring.errors
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from keyring.backend import KeyringBackend

from terminal_app.domain.errors import UserFacingError

log = logging.getLogger(__name__)

USERNAME = "terminal"


@dataclass(frozen=True)
class TerminalCredential:
    """What proves this installation to the cloud."""

    terminal_id: str
    private_key: Ed25519PrivateKey

    @classmethod
    def generate(cls, terminal_id: str) -> TerminalCredential:
        return cls(terminal_id, Ed25519PrivateKey.generate())

    @property
    def public_key_b64(self) -> str:
        raw = self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return base64.b64encode(raw).decode("ascii")

    def to_secret(self) -> str:
        raw = self.private_key.private_bytes(serialization.Encoding.Raw,
                                             serialization.PrivateFormat.Raw,
                                             serialization.NoEncryption())
        return json.dumps({"v": 1, "terminal_id": self.terminal_id,
                           "private_key": base64.b64encode(raw).decode("ascii")})

    @classmethod
    def from_secret(cls, secret: str) -> TerminalCredential:
        try:
            data = json.loads(secret)
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(data["private_key"]))
            return cls(str(data["terminal_id"]), key)
        except (ValueError, KeyError, TypeError) as exc:
            raise UserFacingError("credential_corrupt") from exc

    def __repr__(self) -> str:  # never print the key
        return f"TerminalCredential(terminal_id={self.terminal_id!r})"


def service_name(home: Path) -> str:
    """The keyring service name of the terminal living in `home`."""
    digest = hashlib.sha256(str(Path(home).expanduser().resolve()).encode("utf-8")).hexdigest()
    return f"mykey-terminal:{digest[:16]}"


class CredentialStore:
    """Load / save / delete the credential of the terminal in `home`."""

    def __init__(self, home: Path, backend: KeyringBackend | None = None) -> None:
        self.service = service_name(home)
        self._backend = backend

    @property
    def backend(self) -> KeyringBackend:
        return self._backend or keyring.get_keyring()

    def load(self) -> TerminalCredential | None:
        try:
            secret = self.backend.get_password(self.service, USERNAME)
        except keyring.errors.KeyringError as exc:
            raise UserFacingError("keyring_unavailable") from exc
        return TerminalCredential.from_secret(secret) if secret else None

    def save(self, credential: TerminalCredential) -> None:
        """Store the credential and read it back: a backend that drops it is an error."""
        secret = credential.to_secret()
        try:
            self.backend.set_password(self.service, USERNAME, secret)
            stored = self.backend.get_password(self.service, USERNAME)
        except keyring.errors.KeyringError as exc:
            raise UserFacingError("keyring_unavailable") from exc
        if stored != secret:
            raise UserFacingError("keyring_unavailable")
        log.info("terminal credential stored for terminal %s", credential.terminal_id)

    def delete(self) -> None:
        try:
            self.backend.delete_password(self.service, USERNAME)
        except keyring.errors.PasswordDeleteError:
            return
        except keyring.errors.KeyringError as exc:
            raise UserFacingError("keyring_unavailable") from exc
