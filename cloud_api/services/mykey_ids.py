"""MyKey ID creation at a counter kiosk (画面16), proved by the card's authentication key.

Flow: `create_challenge` (server nonce, 5 minutes) → either `generate` (auto candidates, at most
three; the third one is final) or `check` (a chosen ID; after three taken ones an automatic
candidate is given instead) → `create` with the auth certificate and the card's RSA PKCS#1 v1.5
SHA-256 signature over the challenge string. Every MyKey ID ever assigned stays in the registry,
so an ID is never handed out twice, even after revocation or change.
"""
from __future__ import annotations

import logging
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cloud_api.clock import JST
from cloud_api.errors import ApiError, Conflict, NotFound
from cloud_api.models.accounts import (
    Holder,
    HolderCertificate,
    Municipality,
    MykeyChallenge,
    MykeyIdRegistry,
    Point,
)
from cloud_api.services import validation as v
from cloud_api.services.cards import certificate_row
from cloud_api.services.jpki import VerifiedCert
from cloud_api.services.passwords import hash_password

log = logging.getLogger(__name__)

ALPHABET = string.ascii_uppercase + string.digits
MAX_GENERATIONS = 3
MAX_CHECK_FAILURES = 3
CHALLENGE_TTL_S = 300
NOTICES = ("notice_granted", "notice_expired", "notice_password", "notice_mykey")


@dataclass(frozen=True)
class Candidate:
    mykey_id: str | None
    final: bool
    generations_left: int
    check_failures: int = 0
    available: bool = True


def create_challenge(session: Session, terminal_id: str, now: datetime) -> MykeyChallenge:
    challenge = MykeyChallenge(id=secrets.token_hex(16), terminal_id=terminal_id,
                               nonce=secrets.token_urlsafe(32),
                               expires_at=now + timedelta(seconds=CHALLENGE_TTL_S))
    session.add(challenge)
    session.flush()
    return challenge


def open_challenge(session: Session, challenge_id: object, terminal_id: str, now: datetime,
                   ) -> MykeyChallenge:
    row = session.get(MykeyChallenge, challenge_id, with_for_update=True) \
        if isinstance(challenge_id, str) and len(challenge_id) == 32 else None
    if row is None or row.terminal_id != terminal_id or row.used:
        raise NotFound("mykey_challenge_invalid")
    if _aware(row.expires_at) < now:
        raise ApiError("mykey_challenge_invalid", 410)
    return row


def _aware(at: datetime) -> datetime:
    """SQLite gives naive datetimes back (JST wall time, as stored); PostgreSQL aware ones."""
    return at if at.tzinfo else at.replace(tzinfo=JST)


def is_taken(session: Session, mykey_id: str) -> bool:
    return session.get(MykeyIdRegistry, mykey_id) is not None


def _fresh_id(session: Session) -> str:
    while True:
        candidate = "".join(secrets.choice(ALPHABET) for _ in range(8))
        if not is_taken(session, candidate):
            return candidate


def generate(session: Session, challenge: MykeyChallenge) -> Candidate:
    """自動生成: a duplicate-checked candidate; the third generation is final."""
    if challenge.candidate_final:
        raise ApiError("mykey_generation_exhausted", 409)
    challenge.generations += 1
    challenge.candidate = _fresh_id(session)
    challenge.candidate_final = challenge.generations >= MAX_GENERATIONS
    return Candidate(challenge.candidate, challenge.candidate_final,
                     MAX_GENERATIONS - challenge.generations, challenge.check_failures)


def check(session: Session, challenge: MykeyChallenge, mykey_id: object) -> Candidate:
    """重複チェック of a chosen ID; the third taken one falls back to an automatic candidate."""
    v.raise_if([v.check_pattern({"mykey_id": mykey_id}, "mykey_id", v.MYKEY_ID)])
    if challenge.candidate_final:
        raise ApiError("mykey_generation_exhausted", 409)
    if not is_taken(session, str(mykey_id)):
        challenge.candidate = str(mykey_id)
        return Candidate(challenge.candidate, False, MAX_GENERATIONS - challenge.generations,
                         challenge.check_failures)
    challenge.check_failures += 1
    if challenge.check_failures < MAX_CHECK_FAILURES:
        return Candidate(None, False, MAX_GENERATIONS - challenge.generations,
                         challenge.check_failures, available=False)
    auto = generate(session, challenge)
    return Candidate(auto.mykey_id, auto.final, auto.generations_left, challenge.check_failures,
                     available=False)


def validate_profile(session: Session, body: dict[str, Any]) -> None:
    problems = [v.check_pattern(body, "mykey_id", v.MYKEY_ID),
                v.check_pattern(body, "mypage_password", v.MYPAGE_PASSWORD),
                v.check_email(body, required=False),
                v.check_pattern(body, "base_municipality_code", v.re.compile(r"[0-9]{6}"))]
    notices = body.get("notices")
    if notices is None or isinstance(notices, dict):
        problems += [v.check_bool(notices or {}, n, required=False) for n in NOTICES]
    else:
        problems.append(v.field_error("notices", "invalid_format"))
    if problems[3] is None and not _has_municipal_point(session, body["base_municipality_code"]):
        problems[3] = v.field_error("base_municipality_code", "no_municipal_point")
    v.raise_if(problems)


def _has_municipal_point(session: Session, code: str) -> bool:
    return session.get(Municipality, code) is not None and session.scalar(select(Point.id).where(
        Point.municipality_code == code, Point.kind == "municipal")) is not None


def verify_card_signature(cert: VerifiedCert, challenge: MykeyChallenge, signature: bytes) -> None:
    key = cert.certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise ApiError("card_certificate_invalid", 422)
    try:
        key.verify(signature, challenge.nonce.encode(), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise ApiError("mykey_signature_invalid", 422) from None


def create(session: Session, challenge: MykeyChallenge, cert: VerifiedCert,
           body: dict[str, Any], now: datetime) -> Holder:
    """Register the MyKey ID, the holder and the auth certificate (serial + expiry)."""
    if challenge.candidate is None or body["mykey_id"] != challenge.candidate:
        raise ApiError("mykey_id_not_confirmed", 422)
    if certificate_row(session, cert) is not None:
        raise Conflict("card_already_registered")
    if is_taken(session, challenge.candidate):
        raise Conflict("mykey_id_taken")
    try:
        holder = _insert_holder(session, challenge.candidate, body, now)
        session.add(HolderCertificate(holder_id=holder.id, kind="auth", issuer=cert.issuer_key,
                                      serial=cert.serial,
                                      not_after=cert.not_after, current=True, registered_at=now))
        challenge.used = True
        session.flush()
    except IntegrityError:   # a concurrent registration took the ID or the card first
        raise Conflict("mykey_id_taken") from None
    log.info("MyKey ID %s created", holder.mykey_id)
    return holder


def _insert_holder(session: Session, mykey_id: str, body: dict[str, Any], now: datetime) -> Holder:
    session.add(MykeyIdRegistry(mykey_id=mykey_id, assigned_at=now))
    session.flush()  # the registry row first: holders.mykey_id refers to it
    notices = body.get("notices") or {}
    holder = Holder(mykey_id=mykey_id, state="active", created_at=now,
                    mypage_password_hash=hash_password(body["mypage_password"]),
                    email=body.get("email") or None,
                    base_municipality_code=body["base_municipality_code"],
                    **{n: bool(notices.get(n, False)) for n in NOTICES})
    session.add(holder)
    session.flush()
    return holder
