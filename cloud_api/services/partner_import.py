"""Import of a partner company's batch file of conversions (応援ポイント移行ファイル).

CSV (UTF-8, BOM allowed) with a header: partner_ref, executed_at, mykey_id, amount, destination.
`amount` is in the partner's unit (converted at its rate); destination is 留保 (the holder's
留保ポイント) or an 8-digit point ID. Every row is checked and applied in ONE database
transaction: any bad row raises with the row numbers and the caller's rollback leaves nothing
half-imported. A re-sent file applies nothing twice (exactly-once on partner_ref).

The rows are applied in ascending holder order (then destination, then row), not in the file's:
each row locks its holder's account until the commit, so two imports whose files share holders
in opposite orders would otherwise each wait for the other (PostgreSQL aborts one); grant
uploads take holders in the same ascending order (services/grants/awards.py).
"""
from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from cloud_api.clock import JST, Clock
from cloud_api.errors import ApiError
from cloud_api.models.accounts import Holder, Point
from cloud_api.models.partners import Partner
from cloud_api.services.ledger.partner_transfer import partner_transfer
from cloud_api.services.points import PointRef, ref_of
from cloud_api.services.validation import digits

log = logging.getLogger(__name__)
COLUMNS = ("partner_ref", "executed_at", "mykey_id", "amount", "destination")
RESERVE_WORDS = ("留保", "留保ポイント")
TIME_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
MAX_ROW_ERRORS = 20


@dataclass(frozen=True)
class ImportResult:
    applied: int
    repeated: int


def read_rows(path: Path) -> list[dict[str, str]]:
    """The file's rows; 422 if unreadable or a column is missing."""
    try:
        reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
        rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ApiError("import_file_unreadable", 422) from exc
    if not set(COLUMNS) <= set(reader.fieldnames or ()):
        raise ApiError("partner_import_columns", 422)
    return rows


def find_partner(session: Session, name: str) -> Partner:
    partner = session.execute(select(Partner).where(Partner.name == name)).scalar()
    if partner is None:
        raise ApiError("partner_unknown", 422, name=name)
    return partner


def import_transfers(session: Session, clock: Clock, partner: Partner,
                     rows: list[dict[str, str]]) -> ImportResult:
    """Apply every row; on any bad row raise partner_import_rows (the caller rolls back)."""
    applied = repeated = 0
    errors: dict[int, str] = {}
    checked: list[_Row] = []
    for number, row in enumerate(rows, start=2):
        try:
            checked.append(_check(session, number, row))
        except ApiError as exc:
            errors[number] = exc.detail
    for item in sorted(checked, key=_Row.lock_order):
        try:
            if partner_transfer(session, clock=clock, partner=partner, holder_id=item.holder_id,
                                destination=item.destination, amount=item.amount,
                                partner_ref=item.partner_ref,
                                executed_at=item.executed_at).applied:
                applied += 1
            else:
                repeated += 1
        except ApiError as exc:
            errors[item.number] = exc.detail
    if errors:
        listed = [f"{number}行目: {errors[number]}" for number in sorted(errors)]
        shown = listed[:MAX_ROW_ERRORS] + (["…"] if len(listed) > MAX_ROW_ERRORS else [])
        raise ApiError("partner_import_rows", 422, rows=" / ".join(shown))
    log.info("partner import %s: %d applied, %d already present", partner.name, applied, repeated)
    return ImportResult(applied, repeated)


@dataclass(frozen=True)
class _Row:
    """A row whose fields are readable; partner_transfer checks the rest as it applies it."""

    number: int
    holder_id: int
    destination: PointRef | None
    amount: int
    partner_ref: str
    executed_at: datetime

    def lock_order(self) -> tuple[int, int, int]:
        """The holder first: the order in which the import locks the holders' accounts."""
        point = self.destination.point_id if self.destination else 0
        return self.holder_id, point, self.number


def _check(session: Session, number: int, row: dict[str, str]) -> _Row:
    holder = session.execute(select(Holder).where(
        Holder.mykey_id == (row.get("mykey_id") or "").strip())).scalar()
    if holder is None:
        raise ApiError("partner_holder_unknown", 422)
    return _Row(number, holder.id, destination_of(session, row.get("destination") or ""),
                _amount(row.get("amount") or ""), row.get("partner_ref") or "",
                parse_executed_at(row.get("executed_at") or ""))


def _amount(text: str) -> int:
    cleaned = text.strip().replace(",", "")
    if not digits(cleaned, 12):
        raise ApiError("amount_invalid", 422)
    return int(cleaned)


def destination_of(session: Session, text: str) -> PointRef | None:
    """None for the 留保ポイント, else the point of an 8-digit ID; 422 otherwise."""
    value = text.strip()
    if value in RESERVE_WORDS:
        return None
    point = session.get(Point, int(value)) if len(value) == 8 and digits(value, 8) else None
    if point is None:
        raise ApiError("partner_destination_unknown", 422)
    return ref_of(point)


def parse_executed_at(text: str) -> datetime:
    """移行日時 as JST wall time (or with an explicit offset)."""
    value = text.strip()
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=JST)
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ApiError("partner_executed_at_invalid", 422) from exc
    return parsed.astimezone(JST) if parsed.tzinfo else parsed.replace(tzinfo=JST)

