"""Email notices after a grant (section V(9)): holders who gave an email address and chose the
"points granted" notice get a short Japanese message.

Sending happens after the grant's transaction has committed, on one background thread per app,
so a slow or broken mail server never delays or undoes a grant; failures are logged (without the
address) and dropped. SMTP settings: MYKEY_SMTP_HOST / MYKEY_SMTP_PORT / MYKEY_SMTP_FROM.
"""
from __future__ import annotations

import logging
import smtplib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cloud_api.config import Settings
from cloud_api.db import unit_of_work
from cloud_api.messages import message
from cloud_api.models.accounts import Holder

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GrantNotice:
    """One grant to tell a holder about."""

    mykey_id: str
    business_name: str
    point_name: str
    amount: int
    txn_no: str


def compose(notice: GrantNotice, to: str, sender: str) -> EmailMessage:
    """The Japanese notice (UTF-8) for one grant."""
    mail = EmailMessage()
    mail["Subject"] = message("grant_mail_subject", point_name=notice.point_name)
    mail["From"], mail["To"] = sender, to
    mail.set_content(message("grant_mail_body", mykey_id=notice.mykey_id,
                             business_name=notice.business_name, point_name=notice.point_name,
                             amount=f"{notice.amount:,}", txn_no=notice.txn_no))
    return mail


class GrantMailer:
    """Queues notices after commit and sends them one by one in the background."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session]) -> None:
        self.settings = settings
        self.sessions = sessions
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="grant-mail")
        self._last: Future[bool] | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.settings.smtp_host)

    def after_commit(self, notices: list[GrantNotice]) -> None:
        """Queue the notices of grants that are already committed."""
        if not self.enabled:
            return
        for notice in notices:
            self._last = self._pool.submit(self._send_safely, notice)

    def wait_idle(self, timeout_s: float = 10.0) -> None:
        """Block until every queued notice has been tried (tests and shutdown)."""
        if self._last is not None:
            self._last.exception(timeout=timeout_s)

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    def _send_safely(self, notice: GrantNotice) -> bool:
        try:
            return self._send(notice)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("grant notice for %s not sent: %s", notice.txn_no, type(exc).__name__)
            return False

    def _send(self, notice: GrantNotice) -> bool:
        address = self._address(notice.mykey_id)
        if not address:
            return False
        s = self.settings
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_s) as smtp:
            smtp.send_message(compose(notice, address, s.smtp_from))
        log.info("grant notice for %s sent", notice.txn_no)
        return True

    def _address(self, mykey_id: str) -> str | None:
        """The holder's email when they asked for grant notices; else None."""
        with unit_of_work(self.sessions) as session:
            holder = session.scalar(select(Holder).where(Holder.mykey_id == mykey_id))
            if holder is None or not holder.notice_granted or holder.state != "active":
                return None
            return holder.email
