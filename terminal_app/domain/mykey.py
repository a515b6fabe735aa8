"""MyKey ID creation at the counter (画面14-17): challenge, candidates, the created ID.

Rules (画面16): 8 upper-case alphanumerics; auto-generation at most 3 times (the 3rd is final);
a chosen ID is duplicate-checked and after 3 taken ones the cloud falls back to auto-generation;
MyPage password 6-16 alphanumerics typed twice; optional email typed twice; notice choices; a base
municipality (6-digit code of a municipality that has a municipal point).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from terminal_app.domain.models import parse_dt

NOTICES = ("notice_granted", "notice_expired", "notice_password", "notice_mykey")


@dataclass(frozen=True)
class MykeyChallenge:
    challenge_id: str
    challenge: str
    expires_at: datetime

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> MykeyChallenge:
        return cls(str(d["challenge_id"]), str(d["challenge"]), parse_dt(d["expires_at"]))


@dataclass(frozen=True)
class MykeyCandidate:
    """A candidate shown in the マイキーID候補 field."""

    candidate: str | None
    available: bool
    final: bool
    generations_left: int
    check_failures: int = 0

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> MykeyCandidate:
        return cls(d.get("candidate"), bool(d["available"]), bool(d["final"]),
                   int(d["generations_left"]), int(d.get("check_failures") or 0))


@dataclass(frozen=True)
class MykeyCreated:
    mykey_id: str
    auth_cert_serial: str
    auth_cert_expires_at: datetime

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> MykeyCreated:
        return cls(str(d["mykey_id"]), str(d["auth_cert_serial"]),
                   parse_dt(d["auth_cert_expires_at"]))


@dataclass(frozen=True)
class MykeyDraft:
    """The card's proof for one creation: challenge signed with the auth key after the PIN."""

    challenge_id: str
    auth_cert_der: bytes
    signature: bytes
    candidate: MykeyCandidate | None = None


@dataclass
class MykeyProfile:
    """What the holder typed on 画面16 besides the ID."""

    password: str
    password_confirm: str
    base_municipality_code: str
    email: str = ""
    email_confirm: str = ""
    notices: dict[str, bool] = field(default_factory=dict)
