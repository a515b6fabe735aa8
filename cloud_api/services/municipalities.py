"""Onboarding by the ministry: municipalities (全国地方公共団体コード with check digit) and ID
businesses (ID付与事業者, 6-digit IDs assigned here), before their terminals are imported.

Checks follow 画面4's limits; every problem is reported at once and nothing is written on error.
The point and event settings themselves are edited in the municipal web console.
"""
from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cloud_api.errors import Conflict
from cloud_api.models.accounts import LOOKUP_MODES, SYMBOLOGIES, IdBusiness, Municipality
from cloud_api.services import validation as v

log = logging.getLogger(__name__)

PREFECTURES = ["北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県"]


def check_municipality(data: dict[str, Any]) -> list[v.FieldError | None]:
    code = data.get("code")
    problems = [v.check_pattern(data, "code", v.re.compile(r"[0-9]{6}")),
                v.check_text(data, "name", 50)]
    if problems[0] is None and not v.is_municipality_code(code):
        problems[0] = v.field_error("code", "check_digit")
    prefecture = data.get("prefecture")
    if prefecture not in PREFECTURES or problems[0] is None and PREFECTURES.index(prefecture) + 1 != int(str(code)[:2]):
        problems.append(v.field_error("prefecture", "unknown"))
    return problems


def register_municipality(session: Session, data: dict[str, Any]) -> Municipality:
    """Create a municipality (or rename it); the code's first two digits name the prefecture."""
    v.raise_if(check_municipality(data))
    row = session.get(Municipality, data["code"])
    if row is None:
        row = Municipality(code=data["code"], name=data["name"], prefecture=data["prefecture"])
        session.add(row)
    else:
        row.name, row.prefecture = data["name"], data["prefecture"]
    session.flush()
    log.info("municipality %s registered", row.code)
    return row


def check_id_business(session: Session, data: dict[str, Any]) -> list[v.FieldError | None]:
    problems = [v.check_text(data, "name", 50),
                v.check_pattern(data, "municipality_code", v.re.compile(r"[0-9]{6}"))]
    if problems[1] is None and session.get(Municipality, data["municipality_code"]) is None:
        problems[1] = v.field_error("municipality_code", "unknown")
    if data.get("lookup_mode", "number") not in LOOKUP_MODES:
        problems.append(v.field_error("lookup_mode", "invalid_format"))
    if data.get("symbology", "code128") not in SYMBOLOGIES:
        problems.append(v.field_error("symbology", "invalid_format"))
    if data.get("street_name") is not None:
        problems.append(v.check_text(data, "street_name", 50))
    return problems


def register_id_business(session: Session, data: dict[str, Any]) -> IdBusiness:
    """A new ID business with the next free 6-digit ID; a shopping street has a street name."""
    v.raise_if(check_id_business(session, data))
    taken = session.scalar(select(IdBusiness).where(
        IdBusiness.municipality_code == data["municipality_code"], IdBusiness.name == data["name"]))
    if taken is not None:
        raise Conflict("id_business_exists")
    last = session.scalar(select(func.max(IdBusiness.id))) or "000000"
    row = IdBusiness(id=f"{int(last) + 1:06d}", name=data["name"],
                     municipality_code=data["municipality_code"],
                     lookup_mode=data.get("lookup_mode", "number"),
                     symbology=data.get("symbology", "code128"),
                     is_shopping_street=data.get("street_name") is not None,
                     street_name=data.get("street_name"))
    session.add(row)
    session.flush()
    log.info("ID business %s registered for %s", row.id, row.municipality_code)
    return row
