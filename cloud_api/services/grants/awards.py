"""A grant business grants one person once per 付与日 (grant day), whatever device asks.

The seed's ポイント付与履歴 records each grant with its 付与事業参加日時: a grant business gives its
「1回の付与ポイント数」 for one participation, and a participation is one day. The grant day is the
JST day of the card read on a mobile device (画面77) or the day the clerk grants for on 画面73.

`award_once` makes the ledger grant and the `grant_awards` row in one savepoint of the caller's
transaction. The row's unique (business, holder, day) key is what holds the rule under races: on
PostgreSQL the second of two transactions inserting the same key waits for the first and then
fails with a unique violation; SQLite serialises writers (BEGIN IMMEDIATE). Either way the loser's
savepoint (its ledger grant included) is rolled back and it gets the first grant back as
`AwardResult(fresh=False)`, while the rest of its transaction (the other people of an upload)
goes on. Callers process people in ascending holder order, so two uploads take their row locks
in one order and cannot deadlock with each other. (An upload holds its terminal's counter while
it locks the next holder; a point use at the same device for a later holder of the upload, at
the same moment, could close a cycle: PostgreSQL would abort one of the two.)
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cloud_api.clock import Clock
from cloud_api.errors import ApiError, FieldError, NotFound, ValidationError
from cloud_api.messages import message
from cloud_api.models.accounts import GrantBusiness
from cloud_api.models.grants import GrantAward
from cloud_api.services.cards import holder_by_mykey_id
from cloud_api.services.grants.roster import roster_points
from cloud_api.services.ledger.grant import grant
from cloud_api.services.ledger.grants_lookup import business_and_point
from cloud_api.services.ledger.refs import Receipt, business_date
from cloud_api.services.points import PointRef
from cloud_api.services.terminals import TerminalContext

log = logging.getLogger(__name__)

PAST_DAYS = 366           # a clerk may grant for a participation up to a year ago
CLOCK_SKEW = timedelta(minutes=10)


@dataclass(frozen=True)
class AwardResult:
    """The grant of (business, holder, day): made now (`fresh`) or found from before."""

    award: GrantAward
    fresh: bool
    receipt: Receipt | None = None
    business_name: str = ""     # with a fresh grant: for the holder's notice


@dataclass(frozen=True)
class AwardRequest:
    """Who is granted what, for which day, asked by which terminal under which reference."""

    business: GrantBusiness
    point: PointRef
    holder_id: int
    mykey_id: str
    amount: int
    grant_date: date
    client_ref: str


def read_in_future(read_at: datetime, now: datetime) -> bool:
    """A read stamped later than the cloud's clock (beyond a small skew) is not believed."""
    return read_at > now + CLOCK_SKEW


def read_too_old(read_at: datetime, now: datetime) -> bool:
    """A read whose 付与日 is further back than a clerk may grant for (PAST_DAYS)."""
    return business_date(read_at) < business_date(now) - timedelta(days=PAST_DAYS)


def parse_grant_date(value: object, today: date) -> date:
    """`grant_date` of a PC grant: YYYY-MM-DD, not after today, at most a year back (else 422)."""
    try:
        day = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        day = None
    if day is None or not today - timedelta(days=PAST_DAYS) <= day <= today:
        raise ValidationError(errors=[FieldError("grant_date", "grant_date_invalid",
                                                 message("grant_date_invalid"))])
    return day


def first_award(session: Session, business_id: int, holder_id: int,
                day: date) -> GrantAward | None:
    return session.scalar(select(GrantAward).where(
        GrantAward.grant_business_id == business_id, GrantAward.holder_id == holder_id,
        GrantAward.grant_date == day))


def award_once(session: Session, clock: Clock, terminal: TerminalContext,
               req: AwardRequest) -> AwardResult:
    """Grant `req` unless this business already granted the holder on that day."""
    first = first_award(session, req.business.id, req.holder_id, req.grant_date)
    if first is not None:
        return AwardResult(first, fresh=False)
    try:
        with session.begin_nested():
            receipt, row = _grant_and_record(session, clock, terminal, req)
    except IntegrityError:
        first = first_award(session, req.business.id, req.holder_id, req.grant_date)
        if first is None:
            raise
        log.info("grant %s/%s on %s lost a race to %s", req.business.business_id,
                 req.holder_id, req.grant_date, first.txn_no)
        return AwardResult(first, fresh=False)
    return AwardResult(row, fresh=True, receipt=receipt,
                       business_name=req.business.name)


def _grant_and_record(session: Session, clock: Clock, terminal: TerminalContext,
                      req: AwardRequest) -> tuple[Receipt, GrantAward]:
    business = req.business
    receipt = grant(session, clock=clock, point=req.point, holder_id=req.holder_id,
                    amount=req.amount, scope=terminal.terminal_id,
                    terminal_id=terminal.terminal_id, mykey_id=req.mykey_id,
                    place=terminal.place,
                    memo=f"{business.business_id} {business.name} day={req.grant_date} "
                         f"ref={req.client_ref}")
    row = GrantAward(grant_business_id=business.id, holder_id=req.holder_id,
                     grant_date=req.grant_date, mykey_id=req.mykey_id, amount=req.amount,
                     txn_id=receipt.txn_id, txn_no=receipt.txn_no,
                     terminal_id=terminal.terminal_id, client_ref=req.client_ref,
                     granted_at=clock.now())
    session.add(row)
    session.flush()
    return receipt, row


def already_granted(award: GrantAward) -> ApiError:
    """409 for a PC grant: the Japanese text names the day and the first grant's number."""
    return ApiError("grant_already_given", 409, mykey_id=award.mykey_id,
                    grant_date=award.grant_date.isoformat(), txn_no=award.txn_no)


def grant_listed(session: Session, clock: Clock, terminal: TerminalContext, business_id: str,
                 mykey_id: str, day: date, client_ref: str) -> AwardResult:
    """画面73/79: grant one holder on the cloud roster its roster points for `day`.

    404 grant_not_in_roster when the holder is not on the roster; 409 grant_already_given when
    the business granted the holder on that day already (from any terminal)."""
    business, point = business_and_point(session, terminal.municipality_code, business_id)
    holder = holder_by_mykey_id(session, mykey_id)
    points = roster_points(session, business, holder.mykey_id)
    if points is None:
        raise NotFound("grant_not_in_roster", mykey_id=holder.mykey_id)
    result = award_once(session, clock, terminal, AwardRequest(
        business, point, holder.id, holder.mykey_id, points, day, client_ref))
    if not result.fresh:
        raise already_granted(result.award)
    return result
