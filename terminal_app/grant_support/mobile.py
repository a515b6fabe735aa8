"""The mobile grant mode (画面74-79): sync a business's roster, read cards one after another
offline, upload when online, list who was not on the roster and add them (追加登録).

A card read offline stores only the user-authentication certificate (public data, no PIN) with a
client-made id, in the local SQLite before anything else happens. The upload sends the reads in
chunks; after each chunk the cloud's outcomes are stored, so an upload cut off half-way resumes
with what is still undecided, and a chunk whose answer was lost is simply sent again: the cloud
answers a known client-made id with its first outcome and never grants twice.
"""
from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime

from drivers.card.base import CardReader, ReaderStatus
from terminal_app.api.errors import CloudError, CloudUnreachable
from terminal_app.domain.errors import UserFacingError
from terminal_app.grant_support.cloud import UPLOAD_CHUNK, GrantCloud
from terminal_app.grant_support.models import GrantDone, OfflineRead
from terminal_app.grant_support.store import GrantStore
from terminal_app.grant_support.support import BusinessSupportService
from terminal_app.services.cards import CardService
from terminal_app.services.errors import device_errors

log = logging.getLogger(__name__)

POLL_S = 0.25
SAME_CARD_WAIT_S = 1.0


@dataclass(frozen=True)
class UploadSummary:
    """What an upload achieved (画面78 lists `unlisted`)."""

    granted: int
    unlisted: tuple[OfflineRead, ...]
    already: tuple[OfflineRead, ...]   # granted that day already (another device, a PC)
    no_mykey_id: int
    rejected: int
    pending: int


class MobileGrantService:
    """Everything the mobile grant device does, without Qt."""

    def __init__(self, support: BusinessSupportService, cards: CardService,
                 store: GrantStore) -> None:
        self.support = support
        self.cards = cards
        self.store = store
        self.cloud: GrantCloud = support.cloud
        self.chunk = UPLOAD_CHUNK

    # 画面76 ---------------------------------------------------------------------------------
    def sync_roster(self, business_id: str) -> int:
        """付与事業対象者名簿を同期（取得）: local unsent rows go up, then the cloud's list wins."""
        self.support.business(business_id)
        self.support.push(business_id)
        entries = self.cloud.roster(business_id)
        self.store.replace_synced_roster(business_id, entries)
        log.info("roster %s synced: %d entries", business_id, len(entries))
        return len(entries)

    # 画面77: offline card reads -------------------------------------------------------------
    def read_card(self, business_id: str) -> OfflineRead:
        """Read the card in the slot and keep it for the upload (no network needed). The same
        card read twice for one business is kept once (one participation, one grant)."""
        self.support.business(business_id)
        certificate = self.cards.read_certificate()
        earlier = next((r for r in self.store.reads(business_id)
                        if r.cert_serial == certificate.serial_hex), None)
        if earlier is not None:
            return earlier
        read = OfflineRead("m-" + uuid.uuid4().hex, business_id, certificate.der,
                           certificate.serial_hex, datetime.now().astimezone().isoformat())
        self.store.add_read(read)
        log.info("offline read %s stored", read.client_ref)
        return read

    def next_card(self, business_id: str, stop: threading.Event, *,
                  previous: str | None = None) -> OfflineRead | None:
        """Wait for a card and read it; None when `stop` is set. A card still on the reader
        since the read `previous` (same certificate) is not read again: the loop waits for
        the next card, however quickly the cards are swapped."""
        reader = self._reader()
        while not stop.is_set():
            if reader.status() != ReaderStatus.CARD_PRESENT:
                reader.wait_for_change(POLL_S)
                continue
            read = self.read_card(business_id)
            if read.client_ref != previous:
                return read
            reader.wait_for_change(SAME_CARD_WAIT_S)
        return None

    def _reader(self) -> CardReader:
        with device_errors():
            return self.cards.reader

    def reads(self, business_id: str) -> list[OfflineRead]:
        return self.store.reads(business_id)

    # 画面77→78: upload -----------------------------------------------------------------------
    def upload(self, business_id: str) -> UploadSummary:
        """Send every undecided read; stops at the first chunk without an answer (retry later)."""
        undecided = self.store.reads(business_id, undecided=True)
        for start in range(0, len(undecided), self.chunk):
            results = self.cloud.upload(business_id, undecided[start:start + self.chunk])
            self.store.decide(results)
        return self.summary(business_id)

    def summary(self, business_id: str) -> UploadSummary:
        reads = self.store.reads(business_id)
        count = lambda outcome: sum(1 for r in reads if r.outcome == outcome)
        return UploadSummary(count("granted"),
                             tuple(r for r in reads if r.outcome == "not_in_roster"),
                             tuple(r for r in reads if r.outcome == "already_granted"),
                             count("no_mykey_id"), count("rejected"),
                             sum(1 for r in reads if r.outcome is None))

    # 画面79: 追加登録 -----------------------------------------------------------------------------
    def add_and_grant(self, read: OfflineRead, values: dict[str, str]) -> GrantDone:
        """Put the person on the roster (PC and cloud) and grant for the read's day, once for
        this card read. Already granted that day: the read is decided as such and the
        cloud's Japanese message is raised."""
        values = dict(values, mykey_id=read.mykey_id or "")
        self.support.register(read.business_id, values, overwrite=True)
        mykey_id = str(read.mykey_id)
        try:
            done = self.cloud.grant(read.business_id, mykey_id, read.grant_date,
                                    "a-" + read.client_ref)
        except CloudError as exc:
            if exc.code == "grant_already_given":
                self._decide(read, "already_granted", mykey_id, 0, None)
            raise
        self._decide(read, "granted", mykey_id, done.amount, done.txn_no)
        return done

    def _decide(self, read: OfflineRead, outcome: str, mykey_id: str, amount: int,
                txn_no: str | None) -> None:
        reason = outcome if outcome != "granted" else None
        self.store.decide([{"client_ref": read.client_ref, "outcome": outcome,
                            "mykey_id": mykey_id, "amount": amount, "txn_no": txn_no,
                            "reason": reason}])

    def person_from_master(self, read: OfflineRead) -> dict[str, str]:
        """対象者マスタから情報取得: the stored person of this MyKey ID as form text."""
        person = self.store.person(str(read.mykey_id))
        if person is None:
            return {}
        values = person.to_json()
        return {k: "" if v is None else str(v) for k, v in values.items()}


def unreachable(exc: BaseException) -> bool:
    """True for the errors that mean 'no network now' (the UI offers to upload later)."""
    return isinstance(exc, CloudUnreachable) or (
        isinstance(exc, UserFacingError) and exc.code in ("cloud_unreachable", "outcome_unknown"))

