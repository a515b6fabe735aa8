"""The grant business (画面63) a grant terminal names, and the point it grants."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cloud_api.errors import NotFound
from cloud_api.models.accounts import GrantBusiness
from cloud_api.services.points import PointRef, get_point


def business_and_point(session: Session, municipality_code: str,
                       business_id: str) -> tuple[GrantBusiness, PointRef]:
    """A business of the terminal's own municipality only; 404 grant_business_not_found."""
    business = session.execute(select(GrantBusiness).where(
        GrantBusiness.municipality_code == municipality_code,
        GrantBusiness.business_id == business_id)).scalar()
    if business is None:
        raise NotFound("grant_business_not_found")
    return business, get_point(session, business.point_id)
