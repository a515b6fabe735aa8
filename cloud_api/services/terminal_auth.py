"""Verification of signed terminal requests (docs/api.md "Terminal authentication").

The canonical string binds method, path+query, timestamp, nonce, fingerprint and the body digest;
the signature is Ed25519 by the key the terminal registered. Nonces are remembered per terminal
for the signature window, in their own short transaction, so a replay is refused even when the
operation that follows fails.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cloud_api.errors import AuthError
from cloud_api.models.accounts import Terminal, TerminalNonce
from cloud_api.services.terminals import TerminalContext, context_of
from cloud_api.services.validation import FINGERPRINT, TERMINAL_ID

log = logging.getLogger(__name__)

NONCE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SIGNATURE_PREFIX = "MYKEY-REQUEST-V1"
PURGE_ONE_IN = 32  # expired nonces of a terminal are purged on about one request in 32


@dataclass(frozen=True)
class SignedRequest:
    """The parts of an HTTP request the signature covers, as received."""

    method: str
    path_with_query: str
    body: bytes
    terminal_id: str
    timestamp: str
    nonce: str
    fingerprint: str
    signature: str


def canonical_string(method: str, path_with_query: str, timestamp: str, nonce: str,
                     fingerprint: str, body: bytes) -> str:
    return "\n".join([SIGNATURE_PREFIX, method.upper(), path_with_query, timestamp, nonce,
                      fingerprint, hashlib.sha256(body).hexdigest()])


def check_shape(req: SignedRequest) -> None:
    """Missing or malformed authentication headers: 401 auth_required."""
    ok = (TERMINAL_ID.fullmatch(req.terminal_id) and req.timestamp.isdigit()
          and len(req.timestamp) <= 12 and NONCE.fullmatch(req.nonce)
          and FINGERPRINT.fullmatch(req.fingerprint) and req.signature)
    if not ok:
        raise AuthError("auth_required")


def verify(session: Session, req: SignedRequest, now: datetime, window_s: int
           ) -> TerminalContext:
    """Everything except the nonce: terminal state, fingerprint, time, signature."""
    check_shape(req)
    terminal = session.get(Terminal, req.terminal_id)
    if terminal is None or terminal.state != "active" or not terminal.public_key:
        raise AuthError("auth_terminal_inactive")
    if terminal.fingerprint != req.fingerprint:
        log.warning("terminal %s: request from another machine", req.terminal_id)
        raise AuthError("auth_wrong_fingerprint")
    if abs(now.timestamp() - int(req.timestamp)) > window_s:
        raise AuthError("auth_stale_timestamp")
    if not signature_valid(terminal.public_key, req):
        log.warning("terminal %s: bad signature on %s %s", req.terminal_id, req.method,
                    req.path_with_query)
        raise AuthError("auth_bad_signature")
    return context_of(terminal)


def signature_valid(public_key_b64: str, req: SignedRequest) -> bool:
    message = canonical_string(req.method, req.path_with_query, req.timestamp, req.nonce,
                               req.fingerprint, req.body).encode()
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64))
        key.verify(base64.b64decode(req.signature, validate=True), message)
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def purge_nonces(session: Session, now: datetime, window_s: int) -> int:
    """Forget every nonce older than twice the signature window (daily job); returns the count."""
    cutoff = now - timedelta(seconds=2 * window_s)
    result = session.execute(delete(TerminalNonce).where(TerminalNonce.seen_at < cutoff))
    return int(result.rowcount or 0)


def record_nonce(session: Session, terminal_id: str, nonce: str, now: datetime, window_s: int,
                 ) -> None:
    """Remember the nonce (its own transaction: the caller commits at once); replay → 401."""
    if secrets.randbelow(PURGE_ONE_IN) == 0:
        cutoff = now - timedelta(seconds=2 * window_s)
        session.execute(delete(TerminalNonce).where(TerminalNonce.terminal_id == terminal_id,
                                                    TerminalNonce.seen_at < cutoff))
    try:
        session.execute(insert(TerminalNonce).values(terminal_id=terminal_id, nonce=nonce,
                                                     seen_at=now))
    except IntegrityError:
        raise AuthError("auth_replayed") from None
