"""From a card to a holder: certificate → MyKey ID (with succession), and the card token.

The card token is stateless: the signed payload [holder_id, mykey_id, terminal_id, expiry,
source] (`CardTokens`, one per app, made from its secret key). It is bound to the terminal that
read the card and short-lived. Its source says what was read: the My Number card ("c"), or a
shopping street's card number ("s", 画面37), which anyone can read off the card and so only
serves a merge; every other use needs the My Number card.

Certificate succession (a re-issued card): J-LIS style link records old serial → new serial are
imported (`mykey-cloud import-cert-links`); when an unknown serial is presented whose link chain
leads to a holder's current certificate, the new serial becomes current at this first use and
the old one is kept as superseded history. Active service IDs follow the new serial.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from cloud_api.errors import ApiError, NotFound
from cloud_api.models.accounts import CertLink, Holder, HolderCertificate, ServiceId
from cloud_api.services.jpki import VerifiedCert

log = logging.getLogger(__name__)

MAX_LINK_HOPS = 10
MY_NUMBER_CARD, SHOPPING_CARD = "c", "s"   # the source of a card token


@dataclass(frozen=True)
class CardHolderRef:
    holder_id: int
    mykey_id: str


class CardTokens:
    """Issues and resolves card tokens with the app's secret key (itsdangerous: a key derived
    with its own salt, HMAC-SHA256, constant-time checks). The expiry is in the payload and
    checked against the caller's clock, so a token's life follows the platform's time."""

    SALT = "mykey card token v1"

    def __init__(self, app_secret: str) -> None:
        self._serializer = URLSafeSerializer(app_secret, salt=self.SALT)

    def issue(self, holder: CardHolderRef, terminal_id: str, now: datetime, ttl_s: int,
              source: str = MY_NUMBER_CARD) -> tuple[str, datetime]:
        expires_at = now + timedelta(seconds=ttl_s)
        payload = [holder.holder_id, holder.mykey_id, terminal_id,
                   int(expires_at.timestamp()), source]
        return str(self._serializer.dumps(payload)), expires_at

    def resolve(self, token: str, terminal_id: str, now: datetime,
                shopping_card_ok: bool = False) -> CardHolderRef:
        """The holder a card token names; 401 card_token_invalid when forged, foreign or
        expired; 403 my_number_card_required for a shopping card's token unless
        `shopping_card_ok`."""
        try:   # a signed payload is ours; its shape is checked all the same
            holder_id, mykey_id, bound_terminal, expiry, source = self._serializer.loads(token)
            if bound_terminal != terminal_id or now.timestamp() > float(expiry):
                raise ValueError("another terminal's token, or expired")
        except (BadSignature, ValueError, TypeError):
            raise ApiError("card_token_invalid", 401) from None
        if source != MY_NUMBER_CARD and not (source == SHOPPING_CARD and shopping_card_ok):
            raise ApiError("my_number_card_required", 403)
        return CardHolderRef(int(holder_id), str(mykey_id))


def holder_for_certificate(session: Session, cert: VerifiedCert, now: datetime) -> Holder:
    """The active holder of a verified auth certificate, linking a re-issued card on first use."""
    row = certificate_row(session, cert)
    if row is None:
        row = _succeed(session, cert, now)
    elif not row.current:
        raise ApiError("card_certificate_superseded", 422)
    holder = session.get(Holder, row.holder_id)
    assert holder is not None
    if holder.state != "active":
        raise ApiError("holder_revoked", 403)
    return holder


def certificate_row(session: Session, cert: VerifiedCert) -> HolderCertificate | None:
    """The auth certificate row of (issuer, serial). A row from before issuers were recorded
    (NULL) is taken when no row names the issuer, and stamped with it from then on."""
    rows = session.scalars(select(HolderCertificate).where(
        HolderCertificate.kind == "auth", HolderCertificate.serial == cert.serial,
        or_(HolderCertificate.issuer == cert.issuer_key, HolderCertificate.issuer.is_(None)))
        .order_by(HolderCertificate.issuer.is_(None))).all()
    if not rows:
        return None
    if rows[0].issuer is None and _lock_now(session, rows[0].id):
        rows[0].issuer = cert.issuer_key
        session.flush()
    return rows[0]


def _lock_now(session: Session, row_id: int) -> bool:
    """The row locked for its stamp if no one holds it (SKIP LOCKED): a read never waits for a
    stamp, so two uploads reading the same cards in opposite orders cannot deadlock on it; the
    one holding the row stamps it."""
    return session.scalar(select(HolderCertificate.id).where(
        HolderCertificate.id == row_id, HolderCertificate.issuer.is_(None))
        .with_for_update(skip_locked=True)) is not None


def _succeed(session: Session, cert: VerifiedCert, now: datetime) -> HolderCertificate:
    old = _linked_current(session, cert.serial)
    if old is None:
        raise NotFound("card_not_registered")
    # two first reads of the new card at once: the second waits here for the first's commit
    # and then finds the new serial linked, instead of failing on its unique key
    session.get(HolderCertificate, old.id, with_for_update=True, populate_existing=True)
    linked = certificate_row(session, cert)
    if linked is not None:
        return linked
    old.current, old.superseded_at = False, now
    new = HolderCertificate(holder_id=old.holder_id, kind="auth", issuer=cert.issuer_key,
                            serial=cert.serial,
                            not_after=cert.not_after, current=True, registered_at=now)
    session.add(new)
    session.execute(update(ServiceId).where(
        ServiceId.holder_id == old.holder_id, ServiceId.active.is_(True)).values(
        auth_cert_serial=cert.serial))
    session.flush()
    log.info("holder %d: auth certificate %s succeeds %s", old.holder_id, cert.serial, old.serial)
    return new


def _linked_current(session: Session, serial: str) -> HolderCertificate | None:
    """Walk new→old link records until a holder's current auth certificate is found."""
    for _ in range(MAX_LINK_HOPS):
        link = session.scalar(select(CertLink).where(CertLink.new_serial == serial))
        if link is None:
            return None
        row = session.scalar(select(HolderCertificate).where(
            HolderCertificate.kind == "auth", HolderCertificate.serial == link.old_serial))
        if row is not None:
            return row if row.current else None
        serial = link.old_serial
    return None


def holder_by_mykey_id(session: Session, mykey_id: str) -> Holder:
    holder = session.scalar(select(Holder).where(Holder.mykey_id == mykey_id))
    if holder is None:
        raise NotFound("holder_not_found")
    if holder.state != "active":
        raise ApiError("holder_revoked", 403)
    return holder
