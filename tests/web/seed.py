"""Test data for the web console: two municipalities, a prefecture, terminals, staff logins."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from cloud_api.clock import JST
from cloud_api.models.accounts import IdBusiness, Municipality, Point, Terminal
from cloud_api.services.console.login import create_staff
from cloud_api.services.passwords import hash_password

PASSWORD = "Correct-horse-42"
NOW = datetime(2017, 9, 5, 10, 0, tzinfo=JST)
_HASH = hash_password(PASSWORD)


@dataclass(frozen=True)
class Seeded:
    kawasaki_point: int
    toshima_point: int
    tokushima_point: int


def seed(session: Session) -> Seeded:
    session.add_all([
        Municipality(code="141305", name="川崎市", prefecture="神奈川県"),
        Municipality(code="131164", name="豊島区", prefecture="東京都"),
        Municipality(code="360007", name="徳島県", prefecture="徳島県"),
        Municipality(code="362018", name="徳島市", prefecture="徳島県"),
    ])
    session.flush()
    points = [Point(kind="municipal", municipality_code=c, name=n, validity_days=60)
              for c, n in (("141305", "川崎市ポイント"), ("131164", "豊島区ポイント"), ("360007", "徳島県ポイント"))]
    session.add_all(points)
    session.add(IdBusiness(id="000001", name="川崎市立図書館", municipality_code="141305"))
    session.add(IdBusiness(id="000002", name="徳島市立図書館", municipality_code="362018"))
    session.flush()
    _terminals(session)
    _staff(session)
    return Seeded(points[0].id, points[1].id, points[2].id)


def _terminals(session: Session) -> None:
    rows = [("00010005", "141305", "A", "000001", "高津図書館", "高津図書館 1台目"),
            ("00010006", "141305", "A", "000001", "高津図書館", "高津図書館 2台目"),
            ("00010011", "141305", "I", None, "川崎市藤子・F・不二雄ミュージアム", "ミュージアム 1台目"),
            ("00010012", "141305", "I", None, "岡本太郎美術館", "美術館 1台目"),
            ("00010013", "141305", "U", None, "川崎商工会議所", "ポイント券発行"),
            ("00020001", "131164", "I", None, "豊島区立郷土資料館", "資料館"),
            ("00030005", "362018", "A", "000002", "徳島市立図書館", "徳島市立図書館 1台目"),
            ("00030006", "362018", "I", None, "徳島駅前商店", "徳島駅前商店")]
    for tid, code, cat, biz, place, name in rows:
        session.add(Terminal(terminal_id=tid, municipality_code=code, category=cat, id_business_id=biz,
                             place=place, name=name, person="担当者" + tid[-1], postal_code="2130001",
                             address="神奈川県川崎市高津区溝口4-16-3", phone="0448222413",
                             email=f"t{tid}@example.com", password_hash=_HASH, state="active"))
    session.flush()


def _staff(session: Session) -> None:
    create_staff(session, login_id="kawasaki", password=PASSWORD, role="municipality",
                 display_name="企画課", now=NOW, municipality_code="141305")
    create_staff(session, login_id="toshima", password=PASSWORD, role="municipality",
                 display_name="企画課", now=NOW, municipality_code="131164")
    create_staff(session, login_id="tokushima", password=PASSWORD, role="municipality",
                 display_name="観光推進課", now=NOW, municipality_code="360007")
    create_staff(session, login_id="jal", password=PASSWORD, role="partner",
                 display_name="精算担当", now=NOW, partner_name="JAL")


def event_period() -> tuple[date, date]:
    return date(2017, 8, 1), date(2017, 8, 30)
