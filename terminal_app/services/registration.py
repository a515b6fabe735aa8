"""First-start registration (画面9/10), terminal info (cached) and contact changes.

Order of registration: validate the contact -> generate the Ed25519 key pair -> prove the OS
keyring works by storing the credential -> compute the hardware fingerprint -> register with the
cloud. If the cloud refuses, the stored credential is removed again, so a failed attempt leaves
nothing behind; the terminal password is never stored or logged.

The registration goes through the outbox: if no answer comes (the line drops, 502/503/504), it
is sent again with the same Idempotency-Key, and a registration the cloud made already is
answered with its first result. If none of the tries gets an answer, the credential stays: the cloud may have registered its key. At
the next start the signed GET /terminal tells: it works (registered), or the cloud does not know
this key (auth_terminal_inactive: the registration never arrived, or the municipality reset the
terminal), and then the credential is removed and the clerk registers again (画面9).
"""
from __future__ import annotations

import logging

from terminal_app.api.errors import CloudError
from terminal_app.credentials import TerminalCredential
from terminal_app.domain import rules
from terminal_app.domain.contact import Contact, ContactForm, validate_contact
from terminal_app.domain.errors import OutcomeUnknown, UserFacingError
from terminal_app.domain.models import Precheck, TerminalInfo
from terminal_app.services.session import CloudSession

log = logging.getLogger(__name__)


class RegistrationService:
    """Registering this installation as a terminal, and its contact."""

    def __init__(self, session: CloudSession) -> None:
        self.session = session

    def is_registered(self) -> bool:
        return self.session.credentials.load() is not None

    def registered_terminal_id(self) -> str | None:
        credential = self.session.credentials.load()
        return credential.terminal_id if credential else None

    def precheck(self, terminal_id: str, password: str) -> Precheck:
        """画面9: category, municipality and ID businesses of this terminal ID."""
        clean_id = rules.terminal_id(terminal_id)
        if not password:
            raise UserFacingError("required", label="端末パスワード")
        return self.session.public_client().precheck(clean_id, password)

    def validate_contact(self, form: ContactForm, precheck: Precheck | TerminalInfo) -> Contact:
        """The contact of 画面10 for this terminal's category, or FieldErrors."""
        if isinstance(precheck, Precheck):
            ids = [b.id for b in precheck.id_businesses]
        else:
            ids = [precheck.id_business.id] if precheck.id_business else []
        return validate_contact(form, category=precheck.category, id_business_ids=ids)

    def register(self, terminal_id: str, password: str, form: ContactForm,
                 precheck: Precheck | None = None) -> TerminalInfo:
        """画面10 登録: register this machine; returns the terminal info."""
        if self.is_registered():
            raise UserFacingError("already_registered")
        precheck = precheck or self.precheck(terminal_id, password)
        contact = self.validate_contact(form, precheck)
        credential = TerminalCredential.generate(precheck.terminal_id)
        self.session.credentials.save(credential)
        try:
            info = self.session.public_client().register(
                precheck.terminal_id, password, credential.public_key_b64,
                self.session.fingerprint, contact, key=rules.idempotency_key(None))
        except OutcomeUnknown as exc:   # the cloud may have registered the key: see the start
            log.warning("registration of %s: no answer", precheck.terminal_id)
            raise UserFacingError("registration_unconfirmed") from exc
        except BaseException:
            self.session.credentials.delete()
            raise
        self.session.reset()
        self.session.remember(info)
        log.info("terminal %s registered (category %s)", info.terminal_id, info.category)
        return info

    def terminal_info(self, refresh: bool = False) -> TerminalInfo:
        """This terminal as the cloud knows it. A credential whose key the cloud does not know
        (a registration that never arrived, a terminal the municipality reset) is removed:
        UserFacingError("not_registered") sends the clerk to registration."""
        try:
            return self.session.terminal_info(refresh)
        except CloudError as exc:
            if exc.code != "auth_terminal_inactive":
                raise
            log.warning("the cloud does not know this terminal's key: registering again")
            self.session.credentials.delete()
            self.session.reset()
            raise UserFacingError("not_registered") from exc

    def update_contact(self, form: ContactForm, *, key: str | None = None) -> TerminalInfo:
        """連絡先の変更."""
        current = self.session.terminal_info()
        contact = self.validate_contact(form, current)
        info = self.session.client().update_contact(contact, key=rules.idempotency_key(key))
        self.session.remember(info)
        return info
