"""Web-console tables: staff logins and the change history of point/event settings.

- console_users: logins distributed by the ministry to a municipality's staff (role
  'municipality') and to partner companies (role 'partner', 地域経済応援ポイント協力会社).
  Shops and museums log in with their terminal ID and terminal password instead (terminals).
- point_setting_versions: every saved version of a point's or event's settings (画面4/5-1/5-2),
  a JSON snapshot per version, so edits keep their history (変更履歴).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from cloud_api.db import Base

ROLES = ("municipality", "partner")


class ConsoleUser(Base):
    """A staff login of the web console (not a terminal)."""

    __tablename__ = "console_users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login_id: Mapped[str] = mapped_column(String(32), unique=True)
    role: Mapped[str] = mapped_column(String(12))
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipalities.code"))
    partner_name: Mapped[str | None] = mapped_column(String(50))
    display_name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(200))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        CheckConstraint("role IN ('municipality', 'partner')", name="role"),
        CheckConstraint("(role = 'municipality' AND municipality_code IS NOT NULL)"
                        " OR (role = 'partner' AND partner_name IS NOT NULL)", name="role_owner"),
    )


class PointSettingVersion(Base):
    """One saved version of a point's settings; the highest version is the current one."""

    __tablename__ = "point_setting_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("points.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[str] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        UniqueConstraint("point_id", "version", name="uq_point_setting_versions_version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )
