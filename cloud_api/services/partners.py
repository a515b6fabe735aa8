"""Registering a partner company (応援ポイント協力会社) and its exchange rate.

The rate is "PARTNER:SUPPORT" (e.g. 200:1000 = 200 マイル → 1,000 support points); the name
is what the partner's console logins carry as partner_name. A name already registered is refused.
"""
from __future__ import annotations

import logging
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from cloud_api.errors import ApiError
from cloud_api.models.partners import Partner

log = logging.getLogger(__name__)
RATE = re.compile(r"^([1-9][0-9]{0,6}):([1-9][0-9]{0,6})$")


def parse_rate(text: str) -> tuple[int, int]:
    found = RATE.fullmatch(text.strip())
    if found is None:
        raise ApiError("partner_rate_invalid", 422)
    return int(found.group(1)), int(found.group(2))


def register_partner(session: Session, name: str, rate: str, unit: str) -> Partner:
    """Add the partner; 422 on a bad name, rate or unit, 409 when the name exists."""
    name, unit = name.strip(), unit.strip()
    if not 0 < len(name) <= 50 or not 0 < len(unit) <= 20:
        raise ApiError("partner_name_invalid", 422)
    partner_points, support_points = parse_rate(rate)
    if session.scalar(select(Partner).where(Partner.name == name)) is not None:
        raise ApiError("partner_exists", 409, name=name)
    partner = Partner(name=name, partner_points=partner_points, support_points=support_points,
                      unit=unit)
    session.add(partner)
    session.flush()
    log.info("partner registered: %s (%d:%d)", name, partner_points, support_points)
    return partner
