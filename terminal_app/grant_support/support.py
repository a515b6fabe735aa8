"""The business-support PC's use cases (画面68-73): login + master sync, initial setting,
individual entry with the card, roster view, grant to checked people.

The roster is kept on the PC (the 付与事業対象者名簿 and 対象者マスタ) and pushed to the cloud so
the mobile grant devices can sync it; a push that finds no network stays marked unsynced and is
sent again at the next login.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from terminal_app.api.errors import CloudUnreachable
from terminal_app.domain.errors import OutcomeUnknown, UserFacingError
from terminal_app.grant_support import excel, rules
from terminal_app.grant_support.cloud import GrantCloud, grant_key
from terminal_app.grant_support.models import (
    FIELD_KEYS,
    GrantBusiness,
    GrantDone,
    Person,
    RosterPage,
    RosterRow,
    today_jst,
)
from terminal_app.grant_support.store import GrantStore
from terminal_app.messages import message
from terminal_app.services.cards import CardService
from terminal_app.services.errors import device_errors
from terminal_app.services.session import CloudSession

log = logging.getLogger(__name__)

SORT_KEYS: dict[str, Callable[[RosterRow], Any]] = {
    "name": lambda r: r.person.name or "",
    "birth_date": lambda r: (r.person.birth_date is None, r.person.birth_date or 0),
    "address": lambda r: r.person.address or "",
    "sex": lambda r: r.person.sex or "",
    "mykey_id": lambda r: r.mykey_id,
}


class DuplicateEntry(UserFacingError):
    """The MyKey ID is already on this business's roster: ask 上書き / 中止."""

    def __init__(self, mykey_id: str) -> None:
        self.mykey_id = mykey_id
        super().__init__("grant_duplicate", mykey_id=mykey_id)


@dataclass(frozen=True)
class GrantOutcome:
    """One checked person's grant: done, or the Japanese reason it failed."""

    mykey_id: str
    done: GrantDone | None
    error: str | None = None


class BusinessSupportService:
    """Everything 画面68-73 do, without Qt."""

    def __init__(self, session: CloudSession, cards: CardService, store: GrantStore) -> None:
        self.session = session
        self.cards = cards
        self.store = store
        self.cloud = GrantCloud(session)
        self.municipality_name = ""
        self.municipality_code = ""

    # 画面68: login + terminal authentication + master sync -----------------------------------
    def login(self, terminal_id: str, password: str) -> list[GrantBusiness]:
        credential = self.session.credentials.load()
        if credential is None:
            raise UserFacingError("not_registered")
        if rules.clean(terminal_id) != credential.terminal_id:
            raise UserFacingError("grant_login_wrong_terminal", terminal_id=credential.terminal_id)
        if not password:
            raise UserFacingError("terminal_password_required")
        precheck = self.session.public_client().precheck(credential.terminal_id, password)
        if precheck.category != "E":
            raise UserFacingError("grant_not_grant_terminal")
        return self.sync()

    def sync(self) -> list[GrantBusiness]:
        """Replace the local 付与事業マスタ with the cloud's; push roster rows not yet sent."""
        self.municipality_name, businesses = self.cloud.businesses()
        self.municipality_code = self.session.terminal_info(refresh=True).municipality.code
        self.store.replace_businesses(businesses)
        for business in businesses:
            self.push(business.business_id)
        log.info("grant master synced: %d businesses", len(businesses))
        return businesses

    def business(self, business_id: str) -> GrantBusiness:
        found = next((b for b in self.store.businesses() if b.business_id == business_id), None)
        if found is None:
            raise UserFacingError("grant_unknown_business", business_id=business_id)
        return found

    # 画面69 ----------------------------------------------------------------------------------
    def chosen_fields(self) -> tuple[str, ...] | None:
        return self.store.chosen_fields()

    def choose_fields(self, fields: tuple[str, ...]) -> None:
        self.store.choose_fields(tuple(f for f in fields if f in FIELD_KEYS))

    @property
    def fields(self) -> tuple[str, ...]:
        return self.store.chosen_fields() or ()

    # 画面72: card reads -----------------------------------------------------------------------
    def read_card_face(self, collation: str) -> Person:
        """券面読取: the basic four items, opened with the 14-digit 照合番号."""
        number = rules.collation_number(collation)
        with self.cards.card() as card, device_errors():
            info = card.read_basic_info(collation_b=number)
        return Person("", info.name, info.birth, info.address, info.sex_label)

    def read_mykey_id(self) -> str:
        """マイキーID読取: the auth certificate → the cloud resolves the holder's MyKey ID."""
        return self.cards.read().mykey_id

    # 画面72/79: register -------------------------------------------------------------------------
    def register(self, business_id: str, values: dict[str, str], *,
                 overwrite: bool = False) -> bool:
        """Store the entry; True when the cloud has it too. DuplicateEntry unless `overwrite`."""
        business = self.business(business_id)
        person = rules.person(values, self.fields)
        if not overwrite and self.store.roster_row(business_id, person.mykey_id):
            raise DuplicateEntry(person.mykey_id)
        with self.store.transaction() as conn:
            self.store.put_entry(conn, business_id, person, business.points_per_grant)
        return self.push(business_id)

    def push(self, business_id: str) -> bool:
        """Send unsynced roster rows; False (kept for later) when the cloud is unreachable."""
        rows = self.store.unsynced(business_id)
        if not rows:
            return True
        try:
            self.cloud.push_roster(business_id, rows)
        except (CloudUnreachable, OutcomeUnknown):
            log.warning("roster %s: %d rows kept for the next sync", business_id, len(rows))
            return False
        self.store.mark_synced(business_id, [r.mykey_id for r in rows])
        return True

    # 画面71/73: Excel -----------------------------------------------------------------------------
    def import_target(self, business_id: str) -> excel.ImportTarget:
        return excel.ImportTarget(self.business(business_id), self.municipality_code,
                                  self.municipality_name)

    def write_template(self, business_id: str, path: Path) -> Path:
        return excel.write_template(path, self.import_target(business_id))

    def export_roster(self, business_id: str, path: Path) -> Path:
        self.business(business_id)
        return excel.write_roster(path, self.store.roster(business_id), self.municipality_code)

    def import_roster(self, business_id: str, path: Path) -> tuple[int, bool]:
        """Merge a branch's file into this roster: (people imported, cloud has them)."""
        target = self.import_target(business_id)
        people = excel.read_roster(path, target, self.fields)
        with self.store.transaction() as conn:
            for person in people:
                self.store.put_entry(conn, business_id, person,
                                     target.business.points_per_grant)
        log.info("roster %s: %d people imported from Excel", business_id, len(people))
        return len(people), self.push(business_id)

    # 画面73: roster view and grant ---------------------------------------------------------------
    def page(self, business_id: str, *, query: str = "", sort: str = "mykey_id",
             descending: bool = False, page: int = 1, page_size: int = 20) -> RosterPage:
        rows = [r for r in self.store.roster(business_id) if matches(r, query)]
        rows.sort(key=SORT_KEYS.get(sort, SORT_KEYS["mykey_id"]), reverse=descending)
        pages = max(1, -(-len(rows) // page_size))
        page = min(max(1, page), pages)
        chunk = rows[(page - 1) * page_size: page * page_size]
        return RosterPage(tuple(chunk), len(rows), page, pages)

    def grant(self, business_id: str, mykey_ids: list[str], grant_date: str, *,
              today: date | None = None) -> list[GrantOutcome]:
        """Grant the roster points to each checked person for the 付与日 `grant_date`; one key
        per (business, ID, day). The cloud grants a person once a day per business, from any
        device: a second grant comes back as that person's Japanese 'already granted' error."""
        if not mykey_ids:
            raise UserFacingError("grant_none_checked")
        day = rules.grant_date(grant_date, today or today_jst())
        self.push(business_id)
        terminal_id = self.session.credentials.load().terminal_id  # type: ignore[union-attr]
        return [self._grant_one(business_id, m, day, grant_key(terminal_id, business_id, m, day))
                for m in mykey_ids]

    def _grant_one(self, business_id: str, mykey_id: str, day: str, key: str) -> GrantOutcome:
        if self.store.roster_row(business_id, mykey_id) is None:
            return GrantOutcome(mykey_id, None, message("grant_not_on_roster"))
        try:
            return GrantOutcome(mykey_id, self.cloud.grant(business_id, mykey_id, day, key))
        except UserFacingError as exc:
            return GrantOutcome(mykey_id, None, exc.message)


def matches(row: RosterRow, query: str) -> bool:
    """検索: name, MyKey ID or birth date (1937-01-01 / 1937年1月1日) contains the query."""
    text = rules.clean(query)
    if not text:
        return True
    person = row.person
    birth = person.birth_date
    birth_texts = (birth.isoformat(), f"{birth.year}年{birth.month}月{birth.day}日") if birth else ()
    try:
        asked = rules.birth_date(text)
    except UserFacingError:
        asked = None
    return (text.upper() in row.mykey_id or text in (person.name or "").replace(" ", "")
            or text in (person.name or "") or any(text in t for t in birth_texts)
            or (asked is not None and asked == birth))
