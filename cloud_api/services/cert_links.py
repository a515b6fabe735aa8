"""Import of J-LIS style certificate succession records (old serial → new serial).

CSV with a header naming `old_serial` and `new_serial` (other columns, e.g. linked_at, are
ignored). Serials are decimal by default (as the test CA writes them) or hexadecimal with
`base=16`; they are stored as upper-case hex like every certificate serial of the platform.
A file with any bad row imports nothing. Re-importing the same link is harmless.
"""
from __future__ import annotations

import csv
import io
import logging
import re
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from cloud_api.errors import ApiError
from cloud_api.messages import message
from cloud_api.models.accounts import CertLink
from cloud_api.services.validation import HEX_SERIAL

log = logging.getLogger(__name__)
DECIMAL = re.compile(r"[0-9]{1,80}")


def parse_serial(text: str, base: int) -> str:
    """An ASCII serial in `base` (int() alone would also read '１２' and '1_2')."""
    raw = text.strip().removeprefix("0x").removeprefix("0X")
    if not (DECIMAL if base == 10 else HEX_SERIAL).fullmatch(raw):
        raise ValueError("serial must be ASCII digits")
    value = int(raw, base)
    if value <= 0:
        raise ValueError("serial must be positive")
    return f"{value:X}"


def read_links(path: Path, base: int = 10) -> list[tuple[str, str]]:
    try:
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ApiError("import_file_unreadable", 422) from exc
    links, errors = [], []
    for i, row in enumerate(rows, start=2):
        try:
            old, new = parse_serial(row["old_serial"], base), parse_serial(row["new_serial"], base)
            if old == new:
                raise ValueError("same serial")
            links.append((old, new))
        except (KeyError, ValueError, TypeError, AttributeError):
            errors.append(message("import_row_error", row=i, problem="発行番号が正しくありません。"))
    if errors:
        raise ApiError("cert_link_bad_rows", 422, rows=" / ".join(errors))
    return links


def import_links(session: Session, links: list[tuple[str, str]], now: datetime) -> int:
    """Store new links; a conflicting record (old or new serial already linked otherwise) fails."""
    added, errors = 0, []
    for n, (old, new) in enumerate(links, start=2):
        existing = session.get(CertLink, old)
        taken = session.scalar(select(CertLink).where(CertLink.new_serial == new))
        if taken is not None and taken.old_serial != old:
            errors.append(message("import_row_error", row=n, problem="新しい発行番号が既に別の発行番号に紐付いています。"))
            continue
        if existing is not None:
            if existing.new_serial != new:
                errors.append(message("import_row_error", row=n, problem="既に別の発行番号に紐付いています。"))
            continue
        session.add(CertLink(old_serial=old, new_serial=new, imported_at=now))
        session.flush()
        added += 1
    if errors:
        raise ApiError("cert_link_bad_rows", 422, rows=" / ".join(errors))
    log.info("imported %d certificate succession links", added)
    return added
