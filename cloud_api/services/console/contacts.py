"""連絡先情報確認 (画面11): a municipality's terminals and their contact details, filtered.

Text filters are partial matches (LIKE with the wildcards of the typed text escaped); the
municipality is always the logged-in one, so no other municipality's terminal can appear.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from cloud_api.models.accounts import CATEGORIES, IdBusiness, Terminal
from cloud_api.services.console.targets import CATEGORY_LABELS

TEXT_FILTERS = {"terminal_id": Terminal.terminal_id, "place": Terminal.place,
                "person": Terminal.person, "address": Terminal.address, "email": Terminal.email,
                "name": Terminal.name, "postal_code": Terminal.postal_code, "phone": Terminal.phone}
HEADER = ["端末区分", "端末ID", "ID付与事業者名", "設置場所", "端末名", "担当者名", "郵便番号", "住所",
          "電話番号", "メールアドレス"]
PAGE_ROWS = 1000


@dataclass(frozen=True)
class ContactFilter:
    """The 表示条件 of 画面11; empty strings mean "no condition"."""

    category: str = ""
    texts: tuple[tuple[str, str], ...] = ()
    business_name: str = ""

    @classmethod
    def from_form(cls, form: dict[str, str]) -> ContactFilter:
        category = form.get("category", "")
        texts = tuple((k, form.get(k, "").strip()[:255]) for k in TEXT_FILTERS if form.get(k, "").strip())
        return cls(category if category in CATEGORIES else "", texts,
                   form.get("business_name", "").strip()[:50])


@dataclass(frozen=True)
class ContactRow:
    category: str
    terminal_id: str
    business_name: str
    place: str
    name: str
    person: str
    postal_code: str
    address: str
    phone: str
    email: str

    def cells(self) -> list[str]:
        return [self.category, self.terminal_id, self.business_name, self.place, self.name,
                self.person, self.postal_code, self.address, self.phone, self.email]


def _query(code: str, flt: ContactFilter) -> Select:
    q = (select(Terminal, IdBusiness.name).outerjoin(IdBusiness, Terminal.id_business_id == IdBusiness.id)
         .where(Terminal.municipality_code == code))
    if flt.category:
        q = q.where(Terminal.category == flt.category)
    for name, text in flt.texts:
        q = q.where(TEXT_FILTERS[name].like(_like(text), escape="\\"))
    if flt.business_name:
        q = q.where(IdBusiness.name.like(_like(flt.business_name), escape="\\"))
    return q


def count(session: Session, code: str, flt: ContactFilter) -> int:
    return int(session.scalar(select(func.count()).select_from(_query(code, flt).subquery())) or 0)


def rows(session: Session, code: str, flt: ContactFilter, limit: int | None = PAGE_ROWS) -> Iterator[ContactRow]:
    q = _query(code, flt).order_by(Terminal.category, Terminal.terminal_id)
    if limit is not None:
        q = q.limit(limit)
    for terminal, business in session.execute(q.execution_options(yield_per=500)):
        yield _row(terminal, business)


def csv_lines(session: Session, code: str, flt: ContactFilter) -> Iterator[str]:
    """The whole filtered list as CSV text (the caller prefixes the UTF-8 BOM)."""
    yield _csv_line(HEADER)
    for row in rows(session, code, flt, limit=None):
        yield _csv_line(row.cells())


def _row(t: Terminal, business: str | None) -> ContactRow:
    return ContactRow(CATEGORY_LABELS[t.category], t.terminal_id, business or "", t.place, t.name,
                      t.person or "", t.postal_code or "", t.address or "", t.phone or "", t.email or "")


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _csv_line(cells: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow([_safe_cell(c) for c in cells])
    return buf.getvalue()


def _safe_cell(value: str) -> str:
    """Neutralise spreadsheet formulas typed into a contact field (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
