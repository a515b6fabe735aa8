"""Verification of signed terminal requests (docs/api.md "Terminal authentication").

The canonical string binds method, path+query, timestamp, nonce, fingerprint and the body digest;
the signature is Ed25519 by the key the terminal registered. Nonces are remembered per terminal
for the signature window (in the operation's transaction, or in their own when it fails: see
cloud_api/api/auth.py), so a replay is refused even when the operation that follows failed.
Runs on every request: plain SQL (cloud_api.fastsql), key objects parsed once per key.
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

from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import delete
from sqlalchemy.orm import Session

from cloud_api import fastsql
from cloud_api.errors import AuthError
from cloud_api.fastsql import DATETIME, Sql
from cloud_api.models.accounts import TerminalNonce
from cloud_api.services.terminals import TerminalContext, permissions_for
from cloud_api.services.validation import FINGERPRINT, TERMINAL_ID

log = logging.getLogger(__name__)

NONCE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SIGNATURE_PREFIX = "MYKEY-REQUEST-V1"
PURGE_ONE_IN = 32  # expired nonces of a terminal are purged on about one request in 32

TERMINAL = Sql("SELECT state, public_key, fingerprint, category, also_point_use, "
               "municipality_code, id_business_id, place, name FROM terminals "
               "WHERE terminal_id = :terminal_id")
INSERT_NONCE = Sql("INSERT INTO terminal_nonces (terminal_id, nonce, seen_at) "
                   "VALUES (:terminal_id, :nonce, :seen_at) "
                   "ON CONFLICT (terminal_id, nonce) DO NOTHING RETURNING terminal_id",
                   binds={"seen_at": DATETIME})
PURGE_NONCES = Sql("DELETE FROM terminal_nonces WHERE terminal_id = :terminal_id "
                   "AND seen_at < :cutoff", binds={"cutoff": DATETIME})


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
    row = fastsql.run(session, TERMINAL, {"terminal_id": req.terminal_id}).first()
    if row is None:
        raise AuthError("auth_terminal_inactive")
    state, public_key, fingerprint, category, also_point_use, *rest = row
    if state != "active" or not public_key:
        raise AuthError("auth_terminal_inactive")
    if fingerprint != req.fingerprint:
        log.warning("terminal %s: request from another machine", req.terminal_id)
        raise AuthError("auth_wrong_fingerprint")
    if abs(now.timestamp() - int(req.timestamp)) > window_s:
        raise AuthError("auth_stale_timestamp")
    if not signature_valid(public_key, req):
        log.warning("terminal %s: bad signature on %s %s", req.terminal_id, req.method,
                    req.path_with_query)
        raise AuthError("auth_bad_signature")
    municipality_code, id_business_id, place, name = rest
    also = bool(also_point_use)
    return TerminalContext(req.terminal_id, category, also, municipality_code, id_business_id,
                           place, name, permissions_for(category, also))


def signature_valid(public_key_b64: str, req: SignedRequest) -> bool:
    message = canonical_string(req.method, req.path_with_query, req.timestamp, req.nonce,
                               req.fingerprint, req.body).encode()
    try:
        _public_key(public_key_b64).verify(base64.b64decode(req.signature, validate=True),
                                           message)
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


@lru_cache(maxsize=4096)
def _public_key(public_key_b64: str) -> Ed25519PublicKey:
    """The key object of a registered key (keyed by the key itself, so never stale)."""
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64))


def purge_nonces(session: Session, now: datetime, window_s: int) -> int:
    """Forget every nonce older than twice the signature window (daily job); returns the count."""
    cutoff = now - timedelta(seconds=2 * window_s)
    result = session.execute(delete(TerminalNonce).where(TerminalNonce.seen_at < cutoff))
    return int(result.rowcount or 0)


def record_nonce(session: Session, terminal_id: str, nonce: str, now: datetime, window_s: int,
                 ) -> None:
    """Remember the nonce in the session's transaction; seen before → 401 auth_replayed.

    A concurrent request with the same nonce waits for this transaction: if it commits, that
    one is refused; if it rolls back, that one may take the nonce."""
    if secrets.randbelow(PURGE_ONE_IN) == 0:
        fastsql.run(session, PURGE_NONCES, {"terminal_id": terminal_id,
                                            "cutoff": now - timedelta(seconds=2 * window_s)})
    if fastsql.run(session, INSERT_NONCE, {"terminal_id": terminal_id, "nonce": nonce,
                                           "seen_at": now}).first() is None:
        raise AuthError("auth_replayed")
