"""Demo data (`mykey-cloud demo-data`): the seed's municipalities, terminals and card holders.

Idempotent: rows are created when missing and left alone when present (the event's service
period is moved to cover the current month), and balances are topped up to the target through
the ledger's grant service only when below it. With `certs_dir`, each holder's user-auth
certificate is taken from `<MYKEYID>.pem` there (made by the demo launcher's virtual cards).
"""
from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cryptography import x509
from sqlalchemy import select
from sqlalchemy.orm import Session

from cloud_api.clock import JST, Clock
from cloud_api.models.accounts import (
    EventTarget,
    GrantBusiness,
    Holder,
    HolderCertificate,
    IdBusiness,
    Municipality,
    MykeyIdRegistry,
    Point,
    Terminal,
)
from cloud_api.models.console import ConsoleUser
from cloud_api.services.console.login import create_staff
from cloud_api.services.demo_partners import load_partner_demo
from cloud_api.services.ledger.balances import balances_for
from cloud_api.services.ledger.grant import grant
from cloud_api.services.passwords import hash_password
from cloud_api.services.points import ref_of

log = logging.getLogger(__name__)

MUNICIPALITIES = [("141305", "川崎市", "神奈川県"), ("131164", "豊島区", "東京都"),
                  ("360007", "徳島県", "徳島県"), ("362018", "徳島市", "徳島県")]
BUSINESSES = [("000001", "川崎市立図書館", "141305", "barcode", "nw7", None),
              ("000002", "ブレーメン商店街", "141305", "number", "code128", "ブレーメン商店街"),
              ("000003", "徳島市立図書館", "362018", "number", "code128", None)]
# terminal_id, category, also_point_use, business, place, name, password, municipality
TERMINALS = [
    ("00052459", "A", False, "000001", "高津図書館", "高津図書館1台目", "e912kfja", "141305"),
    ("00052460", "A", False, "000001", "高津図書館", "高津図書館2台目", "83ka1908f", "141305"),
    ("00052489", "A", True, "000002", "〇〇果実店", "〇〇果実店", "oeka92kgj", "141305"),
    ("00052559", "I", False, None, "川崎市藤子・F・不二雄ミュージアム",
     "川崎市藤子・F・不二雄ミュージアム", "gja8zo9a", "141305"),
    ("00053059", "U", False, None, "XX商工会", "XX商工会1台目", "rnva8883", "141305"),
    ("00053062", "E", False, None, "XX市", "XX市1台目", "ag8ake2", "141305"),
    ("00020005", "A", True, "000003", "徳島市立図書館", "徳島市立図書館 1台目", "awa0dori26",
     "362018")]
HOLDERS = ["MY123456", "KEY34567"]
# Web-console staff logins of the demo (login ID, password, role, owner, display name).
STAFF = [("kawasaki01", "kawasaki-demo1", "municipality", "141305", "川崎市 企画課"),
         ("toshima01", "toshima-demo1", "municipality", "131164", "豊島区 企画課"),
         ("tokushima01", "tokushima-demo1", "municipality", "360007", "徳島県 観光推進課"),
         ("jal01", "jal-demo-pass1", "partner", "JAL", "日本航空")]
HOLDER_PASSWORD = "mykey1234"
EVENT_NAME = "阿波踊りにぎわいプロジェクト"
BALANCES = {"川崎市ポイント": 1730, EVENT_NAME: 980}


@dataclass
class DemoResult:
    created: int = 0
    granted: int = 0
    certificates: int = 0
    transfers: int = 0


def load_demo(session: Session, clock: Clock, certs_dir: Path | None = None) -> DemoResult:
    result = DemoResult()
    _municipalities(session, result)
    points = _points(session, clock.today(), result)
    _businesses_and_terminals(session, result)
    _grant_businesses(session, points, clock, result)
    _staff(session, clock, result)
    for mykey_id in HOLDERS:
        holder = _holder(session, mykey_id, clock, result)
        if certs_dir is not None:
            result.certificates += _certificate(session, holder, certs_dir, clock)
        for point in points.values():
            result.granted += _top_up(session, clock, holder, point)
    result.transfers = load_partner_demo(session, clock, lambda: hash_password(HOLDER_PASSWORD))
    session.flush()
    log.info("demo data: %d rows created, %d pt granted", result.created, result.granted)
    return result


def _add_if_missing(session: Session, model: type, key: object, row: object,
                    result: DemoResult) -> object:
    existing = session.get(model, key)
    if existing is not None:
        return existing
    session.add(row)
    session.flush()
    result.created += 1
    return row


def _staff(session: Session, clock: Clock, result: DemoResult) -> None:
    for login_id, password, role, owner, name in STAFF:
        if session.scalar(select(ConsoleUser).where(ConsoleUser.login_id == login_id)):
            continue
        create_staff(session, login_id=login_id, password=password, role=role, display_name=name,
                     now=clock.now(), municipality_code=owner if role == "municipality" else None,
                     partner_name=owner if role == "partner" else None)
        result.created += 1


def _municipalities(session: Session, result: DemoResult) -> None:
    for code, name, prefecture in MUNICIPALITIES:
        _add_if_missing(session, Municipality, code,
                        Municipality(code=code, name=name, prefecture=prefecture), result)


def _point(session: Session, code: str, name: str) -> Point | None:
    return session.scalar(select(Point).where(Point.municipality_code == code, Point.name == name))


def _points(session: Session, today: date, result: DemoResult) -> dict[str, Point]:
    out = {}
    for code, name in (("141305", "川崎市ポイント"), ("131164", "豊島区ポイント")):
        p = _point(session, code, name)
        if p is None:
            p = Point(kind="municipal", municipality_code=code, name=name, validity_days=60)
            session.add(p)
            result.created += 1
        out[name] = p
    first, last = today.replace(day=1), today.replace(
        day=calendar.monthrange(today.year, today.month)[1])
    event = _point(session, "360007", EVENT_NAME)
    if event is None:
        event = Point(kind="event", municipality_code="360007", name=EVENT_NAME,
                      validity_days=10, show_on_mypage=True, service_from=first,
                      service_to=last)
        session.add(event)
        session.flush()
        session.add(EventTarget(point_id=event.id, scope="municipality",
                                municipality_code="362018"))
        result.created += 1
    event.service_from, event.service_to = first, last
    session.flush()
    out[EVENT_NAME] = event
    return out


def _businesses_and_terminals(session: Session, result: DemoResult) -> None:
    for bid, name, code, mode, symbology, street in BUSINESSES:
        _add_if_missing(session, IdBusiness, bid, IdBusiness(
            id=bid, name=name, municipality_code=code, lookup_mode=mode, symbology=symbology,
            is_shopping_street=street is not None, street_name=street), result)
    for tid, cat, also, t_bid, place, name, password, code in TERMINALS:
        if session.get(Terminal, tid) is None:
            _add_if_missing(session, Terminal, tid, Terminal(
                terminal_id=tid, municipality_code=code, category=cat, also_point_use=also,
                id_business_id=t_bid, place=place, name=name, state="issued", failed_attempts=0,
                password_hash=hash_password(password)), result)


def _grant_businesses(session: Session, points: dict[str, Point], clock: Clock,
                      result: DemoResult) -> None:
    rows = [("131164", "0001", "豊島区ポイント", "認知症サポーター養成講座", "福祉課", 100),
            ("131164", "0002", "豊島区ポイント", "子育て支援事業", "子育て支援課", 500),
            ("141305", "0001", "川崎市ポイント", "健康づくり事業", "健康福祉局", 100)]
    for code, bid, point_name, name, department, amount in rows:
        exists = session.scalar(select(GrantBusiness).where(
            GrantBusiness.municipality_code == code, GrantBusiness.business_id == bid))
        if exists is None:
            session.add(GrantBusiness(
                municipality_code=code, business_id=bid, point_id=points[point_name].id,
                name=name, department=department, points_per_grant=amount, notes="",
                created_at=clock.now(), updated_at=clock.now()))
            result.created += 1


def _holder(session: Session, mykey_id: str, clock: Clock, result: DemoResult) -> Holder:
    holder = session.scalar(select(Holder).where(Holder.mykey_id == mykey_id))
    if holder is not None:
        return holder
    session.add(MykeyIdRegistry(mykey_id=mykey_id, assigned_at=clock.now()))
    session.flush()
    holder = Holder(mykey_id=mykey_id, state="active", created_at=clock.now(),
                    mypage_password_hash=hash_password(HOLDER_PASSWORD),
                    base_municipality_code="141305")
    session.add(holder)
    session.flush()
    result.created += 1
    return holder


def _certificate(session: Session, holder: Holder, certs_dir: Path, clock: Clock) -> int:
    path = certs_dir / f"{holder.mykey_id}.pem"
    if not path.exists():
        return 0
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    serial = f"{cert.serial_number:X}"
    if session.scalar(select(HolderCertificate).where(HolderCertificate.kind == "auth",
                                                      HolderCertificate.serial == serial)):
        return 0
    for old in session.scalars(select(HolderCertificate).where(
            HolderCertificate.holder_id == holder.id, HolderCertificate.current.is_(True))):
        old.current, old.superseded_at = False, clock.now()
    session.add(HolderCertificate(holder_id=holder.id, kind="auth", serial=serial,
                                  not_after=cert.not_valid_after_utc.astimezone(JST),
                                  current=True, registered_at=clock.now()))
    session.flush()
    return 1


def _top_up(session: Session, clock: Clock, holder: Holder, point: Point) -> int:
    target = BALANCES.get(point.name, 0)
    ref = ref_of(point)
    have = balances_for(session, holder.id, [ref], clock.today())[0].balance
    if have >= target:
        return 0
    grant(session, clock=clock, point=ref, holder_id=holder.id, amount=target - have,
          scope=None, terminal_id=None, memo="デモデータ", mykey_id=holder.mykey_id)
    return target - have
