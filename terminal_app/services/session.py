"""The connection to the cloud as this terminal: credential, fingerprint, signer, client, cache.

Built once per process; `client()` is the signed client (raises "not registered" before
registration), `public_client()` the unsigned one for precheck/register. After registration
`reset()` makes the next `client()` pick up the new credential. Thread-safe.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from terminal_app.api import client_version
from terminal_app.api.client import CloudClient
from terminal_app.api.signing import Signer
from terminal_app.api.transport import Transport
from terminal_app.config import TerminalConfig
from terminal_app.credentials import CredentialStore
from terminal_app.domain.errors import UserFacingError
from terminal_app.domain.models import TerminalInfo
from terminal_app.outbox.outbox import Outbox

log = logging.getLogger(__name__)


def default_fingerprint() -> str:
    """This machine's hardware fingerprint (drivers.fingerprint), as 64 hex chars."""
    from drivers.fingerprint import FingerprintUnavailable, compute_fingerprint

    try:
        return compute_fingerprint().hex
    except FingerprintUnavailable as exc:
        raise UserFacingError("fingerprint_unavailable", str(exc)) from exc


class CloudSession:
    """Hands out clients for the terminal in `config.home`."""

    def __init__(self, config: TerminalConfig, transport: Transport, credentials: CredentialStore,
                 outbox: Outbox, fingerprint: Callable[[], str] = default_fingerprint) -> None:
        self.config = config
        self.transport = transport
        self.credentials = credentials
        self.outbox = outbox
        self._fingerprint_fn = fingerprint
        self._fingerprint: str | None = None
        self._client: CloudClient | None = None
        self._info: TerminalInfo | None = None
        self._lock = threading.RLock()

    @property
    def fingerprint(self) -> str:
        with self._lock:
            if self._fingerprint is None:
                self._fingerprint = self._fingerprint_fn()
            return self._fingerprint

    def public_client(self) -> CloudClient:
        """Unsigned calls (precheck, registration); the registration goes through the outbox's
        retries with its key, its body (the password) kept in memory only."""
        return CloudClient(self.transport, None, outbox=self.outbox,
                           timeout_s=self.config.http_timeout_s, client_version=client_version())

    def client(self) -> CloudClient:
        with self._lock:
            if self._client is None:
                credential = self.credentials.load()
                if credential is None:
                    raise UserFacingError("not_registered")
                signer = Signer(credential, self.fingerprint, client_version())
                self._client = CloudClient(self.transport, signer, outbox=self.outbox,
                                           timeout_s=self.config.http_timeout_s,
                                           client_version=client_version())
            return self._client

    def terminal_info(self, refresh: bool = False) -> TerminalInfo:
        """`GET /terminal`, cached for the process until `refresh` or a contact change."""
        with self._lock:
            if self._info is None or refresh:
                self._info = self.client().terminal()
            return self._info

    def remember(self, info: TerminalInfo) -> None:
        with self._lock:
            self._info = info

    def reset(self) -> None:
        with self._lock:
            self._client = None
            self._info = None
