"""ポイント付与事業登録 (画面63-65): a municipality's grant businesses.

The business ID is 4 digits and unique within the municipality; the point must be one of the
municipality's own; code, municipality name and validity are shown from the point, not typed.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cloud_api.errors import FieldError
from cloud_api.messages import message
from cloud_api.models.accounts import GrantBusiness, Point
from cloud_api.services.console.fields import Rule, check_form, parse_positive_int
from cloud_api.services.console.setting_forms import clean
from cloud_api.services.validation import digits

log = logging.getLogger(__name__)
FIELDS = ("business_id", "point_id", "name", "department", "points_per_grant", "notes")
RULES = {"name": Rule("ポイント付与事業名", 50, required=True),
         "department": Rule("担当部署", 50, required=True),
         "notes": Rule("備考", 200)}
MAX_POINTS_PER_GRANT = 1_000_000


@dataclass
class GrantBusinessForm:
    values: dict[str, str]
    point: Point | None = None
    points_per_grant: int = 0
    errors: list[FieldError] = field(default_factory=list)

    def error_map(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for e in self.errors:
            out.setdefault(e.field, e.message)
        return out


def own_points(session: Session, code: str) -> list[Point]:
    return list(session.scalars(select(Point).where(Point.municipality_code == code)
                                .order_by(Point.kind.desc(), Point.id)))


def read_form(session: Session, raw: dict[str, str], code: str) -> GrantBusinessForm:
    form = GrantBusinessForm(clean(raw, FIELDS))
    v = form.values
    form.errors += check_form(v, RULES)
    if not re.fullmatch(r"[0-9]{4}", v["business_id"]):
        form.errors.append(FieldError("business_id", "format", message(
            "web_field_exact_len", label="付与事業ID", length=4) + "（半角数字）"))
    elif _taken(session, code, v["business_id"]):
        form.errors.append(FieldError("business_id", "taken", message("web_business_id_taken")))
    form.point = _own_point(session, code, v["point_id"])
    if form.point is None:
        form.errors.append(FieldError("point_id", "choice", message("web_point_required")))
    number, errors = parse_positive_int("points_per_grant", v["points_per_grant"],
                                        "1回の付与ポイント数", MAX_POINTS_PER_GRANT)
    form.points_per_grant, form.errors = number or 0, form.errors + errors
    return form


def register(session: Session, form: GrantBusinessForm, code: str, now: datetime) -> GrantBusiness:
    assert form.point is not None and not form.errors
    v = form.values
    row = GrantBusiness(municipality_code=code, business_id=v["business_id"], point_id=form.point.id,
                        name=v["name"], department=v["department"],
                        points_per_grant=form.points_per_grant, notes=v["notes"],
                        created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    log.info("grant business %s/%s registered", code, row.business_id)
    return row


def listing(session: Session, code: str) -> list[GrantBusiness]:
    """The 付与事業マスタ of the municipality (画面63's table)."""
    return list(session.scalars(select(GrantBusiness).where(GrantBusiness.municipality_code == code)
                                .order_by(GrantBusiness.business_id)))


def _taken(session: Session, code: str, business_id: str) -> bool:
    return session.scalar(select(GrantBusiness.id).where(
        GrantBusiness.municipality_code == code, GrantBusiness.business_id == business_id)) is not None


def _own_point(session: Session, code: str, point_id: str) -> Point | None:
    if not digits(point_id, 8):
        return None
    point = session.get(Point, int(point_id))
    return point if point is not None and point.municipality_code == code else None
