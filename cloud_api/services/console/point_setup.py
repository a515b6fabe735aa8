"""Saving 画面4 (自治体ポイント設定) and 画面5-1/5-2 (特定支援イベント設定), with their history.

The accounts area owns the tables (Municipality, Point, EventTarget); these functions write them
and append a `PointSettingVersion` snapshot of the whole form on every save, so earlier versions
stay visible as 変更履歴. Event contact fields that Point has no column for live in the snapshot.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from cloud_api.errors import NotFound
from cloud_api.models.accounts import EventTarget, Municipality, Point
from cloud_api.models.console import PointSettingVersion
from cloud_api.services.console.setting_forms import BANK_FIELDS, TOWN_RULES, SettingForm
from cloud_api.services.console.targets import Target

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Version:
    """One row of 変更履歴."""

    version: int
    changed_at: datetime
    changed_by: str
    values: dict[str, Any]


def municipal_point(session: Session, code: str) -> Point | None:
    return session.scalar(select(Point).where(Point.municipality_code == code,
                                              Point.kind == "municipal"))


def own_event(session: Session, code: str, point_id: int) -> Point:
    point = own_point(session, code, point_id)
    if point.kind != "event":
        raise NotFound()
    return point


def own_point(session: Session, code: str | None, point_id: int) -> Point:
    """The municipality's point (municipal or event); NotFound for another's or none."""
    point = session.get(Point, point_id)
    if point is None or point.municipality_code != code:
        raise NotFound()
    return point


def events(session: Session, code: str | None) -> list[Point]:
    """The municipality's event points, oldest first (画面5 一覧)."""
    return list(session.scalars(select(Point).where(Point.municipality_code == code,
                                                    Point.kind == "event").order_by(Point.id)))


def event_targets(session: Session, point: Point) -> list[EventTarget]:
    """The usable terminals saved for an event point."""
    return list(session.scalars(select(EventTarget).where(EventTarget.point_id == point.id)))


def report_names(conn: Connection, point_id: int, code: str | None) -> tuple[str, str]:
    """The point's name and the municipality's, for a report's title ("" when not found)."""
    point_name = conn.execute(select(Point.name).where(Point.id == point_id)).scalar() or ""
    town = conn.execute(select(Municipality.name).where(Municipality.code == code)).scalar() or ""
    return point_name, town


def current_values(session: Session, code: str, point: Point | None) -> dict[str, str]:
    """The form as last saved (latest snapshot), else prefilled from the municipality."""
    if point is not None:
        latest = _versions(session, point.id, limit=1)
        if latest:
            return {k: str(v) for k, v in latest[0].values.items() if not isinstance(v, list)}
    town = session.get(Municipality, code)
    values = {name: str(getattr(town, name, "") or "") for name in TOWN_RULES} if town else {}
    values["municipality_name"] = town.name if town else ""
    values["municipality_code"] = code
    return values


def save_municipal_point(session: Session, form: SettingForm, by: str, now: datetime) -> Point:
    code = form.values["municipality_code"]
    _update_town(session, code, form)
    point = municipal_point(session, code) or Point(kind="municipal", municipality_code=code)
    _apply_point(point, form)
    _apply_bank(point, form.bank())
    session.add(point)
    session.flush()
    _snapshot(session, point, form.values, [], by, now)
    log.info("municipal point %s saved by %s", point.id, by)
    return point


def save_event(session: Session, form: SettingForm, targets: list[Target], by: str,
               now: datetime, point: Point | None = None) -> Point:
    """Create (or, with `point`, update) an event with its usable-terminal selection."""
    point = point or Point(kind="event", municipality_code=form.values["municipality_code"])
    _apply_point(point, form)
    point.service_from, point.service_to = form.service_from, form.service_to
    point.show_on_mypage = form.values["show_on_mypage"] == "1"
    bank = form.bank()
    _apply_bank(point, bank if any(bank.values()) else {k: None for k in bank})
    session.add(point)
    session.flush()
    session.execute(delete(EventTarget).where(EventTarget.point_id == point.id))
    session.add_all(t.to_model(point.id) for t in targets)
    _snapshot(session, point, form.values, [t.key for t in targets], by, now)
    log.info("event %s saved by %s with %d targets", point.id, by, len(targets))
    return point


def history(session: Session, point_id: int) -> list[Version]:
    return _versions(session, point_id, limit=100)


def _versions(session: Session, point_id: int, limit: int) -> list[Version]:
    rows = session.scalars(select(PointSettingVersion)
                           .where(PointSettingVersion.point_id == point_id)
                           .order_by(PointSettingVersion.version.desc()).limit(limit))
    return [Version(r.version, r.changed_at, r.changed_by, json.loads(r.snapshot)) for r in rows]


def _snapshot(session: Session, point: Point, values: dict[str, str], targets: list[str],
              by: str, now: datetime) -> None:
    last = session.scalar(select(func.max(PointSettingVersion.version))
                          .where(PointSettingVersion.point_id == point.id)) or 0
    body = json.dumps({**values, "targets": targets}, ensure_ascii=False, sort_keys=True)
    session.add(PointSettingVersion(point_id=point.id, version=last + 1, snapshot=body,
                                    changed_by=by, changed_at=now))


def _update_town(session: Session, code: str, form: SettingForm) -> None:
    town = session.get(Municipality, code)
    if town is None:
        raise NotFound()
    town.name = form.values["municipality_name"]
    for name in TOWN_RULES:
        if name != "municipality_name":
            setattr(town, name, form.values[name] or None)
    _apply_bank(town, form.bank())


def _apply_point(point: Point, form: SettingForm) -> None:
    point.name = form.values["point_name"]
    point.validity_days = form.validity_days


def _apply_bank(target: Any, bank: dict[str, str | None]) -> None:
    for name in BANK_FIELDS:
        setattr(target, name, bank.get(name))
