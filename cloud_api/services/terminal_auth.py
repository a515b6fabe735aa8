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
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import delete
from sqlalchemy.orm import Session

from cloud_api import fastsql
from cloud_api.errors import AuthError
from cloud_api.fastsql import DATETIME, Sql
from cloud_api.models.accounts import TerminalNonce
from cloud_api.services.terminals import TerminalContext, context_from
from cloud_api.services.validation import FINGERPRINT, TERMINAL_ID, digits
from cloud_api.ttl_cache import TtlCache

log = logging.getLogger(__name__)

NONCE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SIGNATURE_PREFIX = "MYKEY-REQUEST-V1"
PURGE_ONE_IN = 32  # expired nonces of a terminal are purged on about one request in 32

ROW_COLUMNS = ("state", "public_key", "fingerprint", "category", "also_point_use",
               "municipality_code", "id_business_id", "place", "name")
TERMINAL = Sql(f"SELECT {', '.join(ROW_COLUMNS)} FROM terminals WHERE terminal_id = :terminal_id")
# The nonce is taken only while the terminal row is still exactly the one the request was
# verified against (so a remembered row is never trusted alone: see TerminalRows).
INSERT_NONCE_IF_UNCHANGED = Sql(
    "INSERT INTO terminal_nonces (terminal_id, nonce, seen_at) "
    "SELECT CAST(:terminal_id AS VARCHAR), CAST(:nonce AS VARCHAR), :seen_at "
    "WHERE EXISTS (SELECT 1 FROM terminals WHERE terminal_id = CAST(:terminal_id AS VARCHAR) AND "
    + " AND ".join(f"{c} IS NOT DISTINCT FROM :{c}" for c in ROW_COLUMNS) + ") "
    "ON CONFLICT (terminal_id, nonce) DO NOTHING RETURNING terminal_id",
    binds={"seen_at": DATETIME})
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
    ok = (TERMINAL_ID.fullmatch(req.terminal_id) and digits(req.timestamp, 12)
          and NONCE.fullmatch(req.nonce)
          and FINGERPRINT.fullmatch(req.fingerprint) and req.signature)
    if not ok:
        raise AuthError("auth_required")


class TerminalRows(TtlCache[str, tuple[Any, ...]]):
    """Terminal rows as last read, kept per process to save a query per request.

    Never trusted alone: the nonce is inserted only if the row in the database still equals the
    remembered one (same statement), otherwise the row is read again and checked afresh.
    """

    def __init__(self, ttl_s: float = 60.0, timer: Callable[[], float] = time.monotonic) -> None:
        super().__init__(ttl_s, timer)


def authenticate(session: Session, req: SignedRequest, now: datetime, window_s: int,
                 rows: TerminalRows | None = None) -> TerminalContext:
    """Verify the request and take its nonce, in the session's transaction; 401 otherwise."""
    check_shape(req)
    remembered = (verified_by_remembered_row(req, now, window_s, rows) if rows is not None
                  else None)
    if remembered is not None and _take_nonce(session, req, remembered[0], now, window_s):
        return remembered[1]
    if rows is not None:
        # Refused against the remembered row, or the row changed since (a new key after
        # re-registration, another state or category): decide on the row as it is now.
        rows.forget(req.terminal_id)
    row = fastsql.run(session, TERMINAL, {"terminal_id": req.terminal_id}).first()
    context = verify_row(row, req, now, window_s)
    assert row is not None
    if not _take_nonce(session, req, row, now, window_s):
        raise AuthError("auth_replayed")
    if rows is not None:
        rows.put(req.terminal_id, row)
    return context


def verified_by_remembered_row(req: SignedRequest, now: datetime, window_s: int,
                               rows: TerminalRows) -> tuple[tuple[Any, ...], TerminalContext] | None:
    """The remembered row and the context it verifies the request for; None if no row is
    remembered or the request is refused against it (then only a fresh row decides)."""
    row = rows.get(req.terminal_id)
    if row is None:
        return None
    try:
        return row, verify_row(row, req, now, window_s, quiet=True)
    except AuthError:
        return None


def _take_nonce(session: Session, req: SignedRequest, row: tuple[Any, ...], now: datetime,
                window_s: int) -> bool:
    """Insert the nonce while the terminal row is still `row`; False if not inserted."""
    cutoff = purge_cutoff(now, window_s)
    if cutoff is not None:
        fastsql.run(session, PURGE_NONCES, {"terminal_id": req.terminal_id, "cutoff": cutoff})
    return fastsql.run(session, INSERT_NONCE_IF_UNCHANGED,
                       nonce_params(req, row, now)).first() is not None


def purge_cutoff(now: datetime, window_s: int) -> datetime | None:
    """On about one request in PURGE_ONE_IN: the time before which nonces are expired."""
    if secrets.randbelow(PURGE_ONE_IN) == 0:
        return now - timedelta(seconds=2 * window_s)
    return None


def nonce_params(req: SignedRequest, row: tuple[Any, ...], now: datetime) -> dict[str, Any]:
    """INSERT_NONCE_IF_UNCHANGED's parameters: the nonce, and the row it was verified against."""
    return {"terminal_id": req.terminal_id, "nonce": req.nonce, "seen_at": now,
            **dict(zip(ROW_COLUMNS, row))}


def verify_row(row: tuple[Any, ...] | None, req: SignedRequest, now: datetime, window_s: int,
               quiet: bool = False) -> TerminalContext:
    """Everything except the nonce: terminal state, fingerprint, time, signature (`quiet`:
    no warning logged, the caller checks again against a fresh row)."""
    if row is None:
        raise AuthError("auth_terminal_inactive")
    state, public_key, fingerprint, category, also_point_use, *rest = row
    if state != "active" or not public_key:
        raise AuthError("auth_terminal_inactive")
    if fingerprint != req.fingerprint:
        if not quiet:
            log.warning("terminal %s: request from another machine", req.terminal_id)
        raise AuthError("auth_wrong_fingerprint")
    if abs(now.timestamp() - int(req.timestamp)) > window_s:
        raise AuthError("auth_stale_timestamp")
    if not signature_valid(public_key, req):
        if quiet:
            raise AuthError("auth_bad_signature")
        log.warning("terminal %s: bad signature on %s %s", req.terminal_id, req.method,
                    req.path_with_query)
        raise AuthError("auth_bad_signature")
    return context_from(req.terminal_id, category, also_point_use, *rest)


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
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def record_nonce(session: Session, terminal_id: str, nonce: str, now: datetime) -> None:
    """Remember the nonce of a verified request whose operation failed; seen → auth_replayed.

    A concurrent request with the same nonce waits for the transaction that inserted it: if
    that commits, this one is refused; if it rolls back, this one may take the nonce."""
    if fastsql.run(session, INSERT_NONCE, {"terminal_id": terminal_id, "nonce": nonce,
                                           "seen_at": now}).first() is None:
        raise AuthError("auth_replayed")
