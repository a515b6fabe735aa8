"""MyKey ID creation at the counter (画面14-17) as a kiosk assist.

start(pin): challenge from the cloud -> the card signs it with the auth key after the 4-digit PIN
(proof of possession; wrong PIN reports tries left) -> a draft. Then generate() (≤3, the 3rd is
final) or check(candidate) (3 taken -> automatic), then create(draft, mykey_id, profile).
"""
from __future__ import annotations

import base64
import logging
import re
from dataclasses import replace

from terminal_app.domain import rules
from terminal_app.domain.contact import EMAIL, normalize
from terminal_app.domain.errors import UserFacingError
from terminal_app.domain.mykey import (
    NOTICES,
    MykeyCandidate,
    MykeyCreated,
    MykeyDraft,
    MykeyProfile,
)
from terminal_app.services.cards import CardService, Progress, _quiet
from terminal_app.services.session import CloudSession

log = logging.getLogger(__name__)


class MykeyIdService:
    def __init__(self, session: CloudSession, cards: CardService) -> None:
        self.session = session
        self.cards = cards

    def start(self, pin: str, progress: Progress = _quiet) -> MykeyDraft:
        """画面14/15: card set, PIN entered -> signed challenge."""
        challenge = self.session.client().mykey_challenge()
        der, signature = self.cards.sign_challenge(pin, challenge.challenge.encode("ascii"),
                                                   progress)
        return MykeyDraft(challenge.challenge_id, der, signature)

    def generate(self, draft: MykeyDraft) -> MykeyDraft:
        """自動生成 (at most 3 times; the 3rd candidate is final)."""
        if draft.candidate is not None and draft.candidate.final:
            raise UserFacingError("mykey_generation_exhausted")
        candidate = self.session.client().mykey_generate(draft.challenge_id)
        return replace(draft, candidate=candidate)

    def check(self, draft: MykeyDraft, mykey_id: str) -> MykeyDraft:
        """重複チェック of a chosen ID; after 3 taken ones the cloud proposes an automatic one."""
        if draft.candidate is not None and draft.candidate.final:
            raise UserFacingError("mykey_generation_exhausted")
        candidate = self.session.client().mykey_check(draft.challenge_id, rules.mykey_id(mykey_id))
        return replace(draft, candidate=candidate)

    def create(self, draft: MykeyDraft, profile: MykeyProfile, *,
               key: str | None = None) -> MykeyCreated:
        """登録 (画面17): the candidate becomes the holder's MyKey ID."""
        candidate = draft.candidate
        if candidate is None or not candidate.candidate:
            raise UserFacingError("mykey_id_format")
        payload = {"challenge_id": draft.challenge_id, "mykey_id": candidate.candidate,
                   "auth_cert": base64.b64encode(draft.auth_cert_der).decode("ascii"),
                   "signature": base64.b64encode(draft.signature).decode("ascii"),
                   **profile_json(profile)}
        created = self.session.client().mykey_create(payload, key=rules.idempotency_key(key))
        log.info("MyKey ID %s created at this counter", created.mykey_id)
        return created


def profile_json(profile: MykeyProfile) -> dict[str, object]:
    """The validated profile fields of the POST /mykey body."""
    password = rules.mykey_password(profile.password, profile.password_confirm)
    email = normalize(profile.email)
    if email and not EMAIL.match(email):
        raise UserFacingError("email_format")
    if email != normalize(profile.email_confirm):
        raise UserFacingError("email_mismatch")
    code = normalize(profile.base_municipality_code)
    if not re.fullmatch(r"[0-9]{6}", code):
        raise UserFacingError("base_municipality_required")
    notices = {name: bool(profile.notices.get(name)) for name in NOTICES}
    return {"mypage_password": password, "email": email or None, "notices": notices,
            "base_municipality_code": code}


__all__ = ["MykeyCandidate", "MykeyDraft", "MykeyIdService", "MykeyProfile", "profile_json"]
