"""Idempotency records: the first response to a client's Idempotency-Key, stored in the same
database transaction as the operation it made (docs/api.md "Idempotency").

`claim` inserts the record first (INSERT ... ON CONFLICT DO NOTHING). A second request with the
same key waits on the unique index (PostgreSQL) or the write lock (SQLite) until the first one
commits or rolls back, then either replays the stored response or - if the first rolled back -
becomes the first itself. So two identical requests racing apply exactly once.
Only successful responses are stored: a refused request changed nothing and may be retried.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete
from sqlalchemy.orm import Session

from cloud_api.errors import ApiError, ValidationError
from cloud_api.fastsql import DATETIME, Sql, run
from cloud_api.models.ledger import IdempotencyRecord

CLAIM_RECORD = Sql("INSERT INTO idempotency_records (scope, key, request_hash, created_at) "
                   "VALUES (:scope, :key, :request_hash, :created_at) "
                   "ON CONFLICT (scope, key) DO NOTHING RETURNING id",
                   binds={"created_at": DATETIME})
STORED_RECORD = Sql("SELECT request_hash, status, response_body FROM idempotency_records "
                    "WHERE scope = :scope AND key = :key")
COMPLETE_RECORD = Sql("UPDATE idempotency_records SET status = :status, response_body = :body, "
                      "txn_id = :txn_id WHERE id = :record_id")
# PostgreSQL: the records of a batch of point uses, with their responses, in one statement
INSERT_RECORDS_PG = Sql(
    "INSERT INTO idempotency_records (scope, key, request_hash, created_at, status, "
    "response_body, txn_id) SELECT x.* FROM jsonb_to_recordset(CAST(:records AS JSONB)) AS "
    "x(scope text, key text, request_hash text, created_at timestamptz, status integer, "
    "response_body text, txn_id bigint)")
KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
NO_TERMINAL_SCOPE = "-"
RETENTION_DAYS = 90   # a terminal's outbox retries within days; older records are purged


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: str


def check_key(key: str | None) -> str:
    """400 idempotency_key_required / idempotency_key_invalid."""
    if not key:
        raise ApiError("idempotency_key_required", 400)
    if not KEY.fullmatch(key):
        raise ApiError("idempotency_key_invalid", 400)
    return key


def request_hash(method: str, path: str, body: bytes) -> str:
    """What "the same request" means: method, path with query, and the exact body bytes."""
    h = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), hashlib.sha256(body).digest()):
        h.update(len(part).to_bytes(4, "big") + part)
    return h.hexdigest()


def claim(session: Session, scope: str, key: str, req_hash: str,
          now: datetime) -> tuple[int | None, StoredResponse | None]:
    """(record id to complete, None) for a new key; (None, stored response) for a repeat.

    Raises 422 idempotency_key_reused when the key was used for a different request.
    """
    record_id = run(session, CLAIM_RECORD,
                        claim_params(scope, key, req_hash, now)).scalar()
    if record_id is not None:
        return int(record_id), None
    stored_hash, status, body = run(session, STORED_RECORD,
                                        {"scope": scope, "key": key}).rows[0]
    if stored_hash != req_hash:
        raise ValidationError("idempotency_key_reused")
    assert status is not None and body is not None
    return None, StoredResponse(int(status), str(body))


def claim_params(scope: str, key: str, req_hash: str, now: datetime) -> dict[str, object]:
    """The new record's columns (CLAIM_RECORD's parameters)."""
    return {"scope": scope, "key": key, "request_hash": req_hash, "created_at": now}


def complete(session: Session, record_id: int, status: int, body: str,
             txn_id: int | None) -> None:
    """Store the response with the operation (same transaction)."""
    run(session, COMPLETE_RECORD,
            {"record_id": record_id, "status": status, "body": body, "txn_id": txn_id})


# by ix_idempotency_records_created_at: only the old part of the table is read
PURGE = delete(IdempotencyRecord).where(IdempotencyRecord.created_at < bindparam("cutoff"))


def purge(session: Session, now: datetime, retention_days: int = RETENTION_DAYS) -> int:
    """Delete records older than the retention (the daily sweep calls this)."""
    result = session.execute(PURGE, {"cutoff": now - timedelta(days=retention_days)})
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
