"""Request signing per docs/api.md "Terminal authentication".

Canonical string (UTF-8, "\\n"-joined, no trailing newline):
MYKEY-REQUEST-V1, METHOD, path-with-query as sent, unix timestamp, nonce, fingerprint hex,
SHA-256 hex of the raw body. Signed with the terminal's Ed25519 key; base64 (standard, padded).
"""
from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from terminal_app.credentials import TerminalCredential

PREFIX = "MYKEY-REQUEST-V1"


def canonical_string(method: str, path: str, timestamp: int, nonce: str, fingerprint: str,
                     body: bytes) -> bytes:
    digest = hashlib.sha256(body or b"").hexdigest()
    parts = [PREFIX, method.upper(), path, str(timestamp), nonce, fingerprint, digest]
    return "\n".join(parts).encode("utf-8")


def new_nonce() -> str:
    """32 random characters of [A-Za-z0-9_-]."""
    return secrets.token_urlsafe(24)


@dataclass
class Signer:
    """Adds the X-MyKey-* headers that authenticate one request."""

    credential: TerminalCredential
    fingerprint_hex: str
    client_version: str
    clock: Callable[[], float] = field(default=time.time)

    def headers(self, method: str, path: str, body: bytes) -> dict[str, str]:
        timestamp, nonce = int(self.clock()), new_nonce()
        text = canonical_string(method, path, timestamp, nonce, self.fingerprint_hex, body)
        signature = self.credential.private_key.sign(text)
        return {
            "X-MyKey-Terminal": self.credential.terminal_id,
            "X-MyKey-Timestamp": str(timestamp),
            "X-MyKey-Nonce": nonce,
            "X-MyKey-Fingerprint": self.fingerprint_hex,
            "X-MyKey-Signature": base64.b64encode(signature).decode("ascii"),
            "X-MyKey-Client-Version": self.client_version,
        }
