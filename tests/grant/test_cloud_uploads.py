"""Cloud services of the grant business on SQLite and PostgreSQL (marked `db` via db_url):
uploads decide each client-made id once, even from two threads at the same time; a roster
upload with one bad entry writes nothing; a broken mail server never costs a grant; two devices
reading the same people grant each person once a day, without deadlocking on PostgreSQL."""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.exc import IntegrityError

from cloud_api.clock import JST, Clock
from cloud_api.config import Settings
from cloud_api.db import make_session_factory, unit_of_work
from cloud_api.errors import ValidationError
from cloud_api.migrations import upgrade
from cloud_api.models.grants import GrantAward, GrantRosterEntry, GrantUploadItem
from cloud_api.models.ledger import JournalTxn
from cloud_api.services import jpki
from cloud_api.services.demo import load_demo
from cloud_api.services.grants import roster, uploads
from cloud_api.services.ledger.verify import verify
from cloud_api.services.notify import GrantMailer, GrantNotice
from cloud_api.services.terminals import context_of
from terminal_app.demo import build_world, free_port
from tests.db_waits import wait_for_a_lock_wait
from tests.grant.helpers import BRANCH_TERMINAL, GRANT_TERMINAL

BUSINESS = "0001"


@pytest.fixture(scope="module")
def demo_world(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return build_world(tmp_path_factory.mktemp("cloud-grants"))


@pytest.fixture
def cloud_db(db_url: str, demo_world: Any) -> Iterator[Any]:
    upgrade(db_url)
    engine = create_engine(db_url)
    sessions = make_session_factory(engine)
    with unit_of_work(sessions) as s:
        load_demo(s, Clock(), demo_world.certs_dir)
    try:
        yield sessions
    finally:
        engine.dispose()


def context(sessions: Any) -> Any:
    from cloud_api.models.accounts import Terminal

    with unit_of_work(sessions) as s:
        return context_of(s.get(Terminal, GRANT_TERMINAL[0]))


def put_roster(sessions: Any, *mykey_ids: str) -> None:
    entries = roster.parse_entries({"entries": [{"mykey_id": m, "points": 100}
                                                for m in mykey_ids]})
    with unit_of_work(sessions) as s:
        roster.merge_entries(s, "141305", BUSINESS, GRANT_TERMINAL[0], entries, Clock().now())


def item(demo_world: Any, mykey_id: str, ref: str) -> uploads.UploadItem:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    pem = (demo_world.certs_dir / f"{mykey_id}.pem").read_bytes()
    der = x509.load_pem_x509_certificate(pem).public_bytes(Encoding.DER)
    return uploads.UploadItem(ref, der, datetime.now(JST))


def upload(sessions: Any, demo_world: Any, items: list[uploads.UploadItem]) -> list[Any]:
    store = jpki.trust_store(demo_world.ca_dir)
    with unit_of_work(sessions) as s:
        results, _ = uploads.process(s, Clock(), context(sessions), store, BUSINESS, items)
    return results


def grants_of(sessions: Any, mykey_id: str) -> int:
    with unit_of_work(sessions) as s:
        return int(s.scalar(select(func.count()).select_from(JournalTxn).where(
            JournalTxn.kind == "grant", JournalTxn.mykey_id == mykey_id,
            JournalTxn.terminal_id == GRANT_TERMINAL[0])) or 0)


def test_repeated_upload_is_decided_once(cloud_db: Any, demo_world: Any) -> None:
    put_roster(cloud_db, "MY123456")
    items = [item(demo_world, "MY123456", "m-aaaaaaaa01"), item(demo_world, "KEY34567",
                                                                "m-aaaaaaaa02")]
    first = upload(cloud_db, demo_world, items)
    again = upload(cloud_db, demo_world, list(reversed(items)))
    assert [(r["outcome"], r["replayed"]) for r in first] == [("granted", False),
                                                              ("not_in_roster", False)]
    assert {r["client_ref"]: r["txn_no"] for r in again} == {r["client_ref"]: r["txn_no"]
                                                             for r in first}
    assert all(r["replayed"] for r in again)
    assert grants_of(cloud_db, "MY123456") == 1
    with unit_of_work(cloud_db) as s:
        assert verify(s) == []


def test_the_same_read_twice_in_one_upload_is_decided_once(cloud_db: Any,
                                                           demo_world: Any) -> None:
    put_roster(cloud_db, "MY123456")
    read = item(demo_world, "MY123456", "m-twice00001")
    results = upload(cloud_db, demo_world, [read, read])
    assert [(r["outcome"], r["replayed"]) for r in results] == [("granted", False),
                                                                ("granted", True)]
    assert results[0]["txn_no"] == results[1]["txn_no"]
    assert grants_of(cloud_db, "MY123456") == 1
    with unit_of_work(cloud_db) as s:
        assert verify(s) == []


def test_two_devices_racing_with_the_same_reads_grant_once(cloud_db: Any,
                                                           demo_world: Any) -> None:
    put_roster(cloud_db, "MY123456")
    items = [item(demo_world, "MY123456", "m-bbbbbbbb01")]
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def send() -> None:
        barrier.wait()
        try:
            outcomes.append(upload(cloud_db, demo_world, items)[0]["outcome"])
        except IntegrityError:
            outcomes.append("conflict")                      # the API answers 409: send again

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(outcomes) == 4 and set(outcomes) <= {"granted", "conflict"}
    assert grants_of(cloud_db, "MY123456") == 1
    with unit_of_work(cloud_db) as s:
        assert s.scalar(select(func.count()).select_from(GrantUploadItem)) == 1


def test_roster_upload_with_a_bad_entry_writes_nothing(cloud_db: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        roster.parse_entries({"entries": [{"mykey_id": "MY123456", "points": 100},
                                          {"mykey_id": "bad", "points": 0,
                                           "person": {"birth_date": "1985-02-30"}}]})
    assert {e.field for e in caught.value.errors} == {
        "entries[1].mykey_id", "entries[1].points", "entries[1].person.birth_date"}
    with unit_of_work(cloud_db) as s:
        assert s.scalar(select(func.count()).select_from(GrantRosterEntry)) == 0


def test_mail_server_down_is_logged_and_the_grant_stays(cloud_db: Any, tmp_path: Path,
                                                        caplog: Any) -> None:
    from cloud_api.models.accounts import Holder

    with unit_of_work(cloud_db) as s:
        holder = s.scalar(select(Holder).where(Holder.mykey_id == "MY123456"))
        holder.email, holder.notice_granted = "hanako@example.jp", True
    settings = Settings(data_dir=tmp_path, smtp_host="127.0.0.1", smtp_port=free_port(),
                        smtp_timeout_s=2.0)
    mailer = GrantMailer(settings, cloud_db)
    with caplog.at_level(logging.WARNING, logger="cloud_api.services.notify"):
        mailer.after_commit([GrantNotice("MY123456", "健康づくり事業", "川崎市ポイント", 100,
                                         "2026112200001")])
        mailer.wait_idle()
    mailer.close()
    assert "grant notice for 2026112200001 not sent: ConnectionRefusedError" in caplog.text
    assert "hanako@example.jp" not in caplog.text


def add_second_grant_terminal(sessions: Any) -> Any:
    from cloud_api.models.accounts import Terminal
    from cloud_api.services.passwords import hash_password

    with unit_of_work(sessions) as s:
        s.add(Terminal(terminal_id=BRANCH_TERMINAL[0], municipality_code="141305", category="E",
                       also_point_use=False, place="XX市支所", name="XX市支所1台目",
                       state="issued", failed_attempts=0,
                       password_hash=hash_password(BRANCH_TERMINAL[1])))
    with unit_of_work(sessions) as s:
        return context_of(s.get(Terminal, BRANCH_TERMINAL[0]))


def test_two_devices_with_the_same_people_in_opposite_order_grant_each_once(
        cloud_db: Any, demo_world: Any) -> None:
    """GIVEN two grant devices that read MY123456 and KEY34567 (in opposite orders, own client
    ids) WHEN both upload at the same moment THEN each person is granted once by one device,
    the other device's read is 'already_granted' with that grant's number, and no deadlock."""
    put_roster(cloud_db, "MY123456", "KEY34567")
    terminals = [context(cloud_db), add_second_grant_terminal(cloud_db)]
    plans = [[item(demo_world, "MY123456", "m-cccccccc01"), item(demo_world, "KEY34567",
                                                                 "m-cccccccc02")],
             [item(demo_world, "KEY34567", "m-dddddddd01"), item(demo_world, "MY123456",
                                                                 "m-dddddddd02")]]
    store = jpki.trust_store(demo_world.ca_dir)
    barrier = threading.Barrier(2)
    answers: dict[int, list[Any]] = {}

    def send(n: int) -> None:
        barrier.wait(30)
        with unit_of_work(cloud_db) as s:
            answers[n], _ = uploads.process(s, Clock(), terminals[n], store, BUSINESS, plans[n])

    threads = [threading.Thread(target=send, args=(n,)) for n in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    by_person: dict[str, list[tuple[str, str]]] = {}
    for results in answers.values():
        for r in results:
            by_person.setdefault(r["mykey_id"], []).append((r["outcome"], r["txn_no"]))
    assert len(answers) == 2
    for outcomes in by_person.values():
        assert sorted(o for o, _ in outcomes) == ["already_granted", "granted"]
        assert len({txn for _, txn in outcomes}) == 1            # both name the one grant
    with unit_of_work(cloud_db) as s:
        assert s.scalar(select(func.count()).select_from(GrantAward)) == 2
        granted = s.scalar(select(func.count()).select_from(JournalTxn).where(
            JournalTxn.kind == "grant",
            JournalTxn.terminal_id.in_((GRANT_TERMINAL[0], BRANCH_TERMINAL[0]))))
        assert granted == 2          # the losing device's ledger grant was rolled back too
        assert verify(s) == []


def test_read_stamped_in_the_future_is_rejected_and_grants_nothing(cloud_db: Any,
                                                                   demo_world: Any) -> None:
    put_roster(cloud_db, "MY123456")
    late = item(demo_world, "MY123456", "m-eeeeeeee01")
    future = uploads.UploadItem(late.client_ref, late.cert_der,
                                datetime.now(JST) + timedelta(hours=2))
    [result] = upload(cloud_db, demo_world, [future])
    assert (result["outcome"], result["reason"], result["amount"]) == (
        "rejected", "read_at_future", 0)
    assert grants_of(cloud_db, "MY123456") == 0


def test_a_read_more_than_a_year_back_is_rejected_and_grants_nothing(cloud_db: Any,
                                                                     demo_world: Any) -> None:
    """GIVEN reads of one card stamped 300 and 400 days ago (a device may choose any stamp)
    WHEN uploaded THEN the one within the year a clerk may grant for is granted, the older one
    is rejected as read_at_too_old: a made-up stamp cannot grant the same person for every day
    of the past."""
    put_roster(cloud_db, "MY123456")
    read = item(demo_world, "MY123456", "m-gggggggg01")
    now = datetime.now(JST)
    recent, old = (uploads.UploadItem(f"m-gggggggg{days}", read.cert_der,
                                      now - timedelta(days=days)) for days in (300, 400))
    results = upload(cloud_db, demo_world, [recent, old])
    assert [(r["outcome"], r["reason"]) for r in results] == [
        ("granted", None), ("rejected", "read_at_too_old")]
    assert grants_of(cloud_db, "MY123456") == 1


def test_roster_person_phone_and_email_follow_the_cloud_contact_rules() -> None:
    """GIVEN roster entries WHEN phone/e-mail break the cloud's contact rules THEN 422 names
    them; well-formed ones pass (the PC's screens already apply 画面10's rules)."""
    bad = {"phone": "090-abc", "email": "taro@xxx"}
    long_phone = {"phone": "0901234567890123"}
    good = {"phone": "090-1111-2222", "email": "taro@example.jp"}
    with pytest.raises(ValidationError) as caught:
        roster.parse_entries({"entries": [
            {"mykey_id": "MY123456", "points": 100, "person": good},
            {"mykey_id": "KEY34567", "points": 100, "person": bad},
            {"mykey_id": "ZZ000001", "points": 100, "person": long_phone}]})
    assert {e.field for e in caught.value.errors} == {
        "entries[1].person.phone", "entries[1].person.email", "entries[2].person.phone"}
    [entry] = roster.parse_entries({"entries": [{"mykey_id": "MY123456", "points": 100,
                                                 "person": good}]})
    assert (entry.person["phone"], entry.person["email"]) == ("090-1111-2222", "taro@example.jp")


@pytest.mark.postgres_only("SQLite's writers take turns whole (BEGIN IMMEDIATE): no race to lose")
def test_a_device_losing_the_race_for_its_second_person_keeps_no_grant_of_them(
        cloud_db: Any, demo_world: Any, db_url: str) -> None:
    """GIVEN device B granting KEY34567, its transaction not yet committed WHEN device A uploads
    MY123456 then KEY34567 (A finds no grant of KEY34567 yet, so it waits for B's lock, grants,
    and then loses on the once-a-day key) THEN A's answer for KEY34567 is 'already_granted' with
    B's number and A's own ledger grant of KEY34567 is rolled back with its savepoint: one grant
    each. (The savepoint must cover the ledger statements although they run on the DB-API
    connection, not through the ORM - the person is A's second.)"""
    put_roster(cloud_db, "MY123456", "KEY34567")
    terminals = [context(cloud_db), add_second_grant_terminal(cloud_db)]
    store = jpki.trust_store(demo_world.ca_dir)
    b_granted, release_b = threading.Event(), threading.Event()
    answers: dict[str, list[Any]] = {}

    def device_b() -> None:
        with unit_of_work(cloud_db) as s:
            answers["B"], _ = uploads.process(s, Clock(), terminals[1], store, BUSINESS,
                                              [item(demo_world, "KEY34567", "m-ffffffff01")])
            b_granted.set()
            release_b.wait(30)                 # B commits only when released

    def device_a() -> None:
        with unit_of_work(cloud_db) as s:
            answers["A"], _ = uploads.process(s, Clock(), terminals[0], store, BUSINESS, [
                item(demo_world, "MY123456", "m-ffffffff02"),
                item(demo_world, "KEY34567", "m-ffffffff03")])

    b = threading.Thread(target=device_b)
    b.start()
    assert b_granted.wait(30)
    a = threading.Thread(target=device_a)
    a.start()
    wait_for_a_lock_wait(db_url)               # A waits for B's lock on KEY34567's account
    release_b.set()
    b.join(30)
    a.join(30)
    outcome = {(n, r["mykey_id"]): (r["outcome"], r["txn_no"]) for n in answers
               for r in answers[n]}
    assert outcome[("A", "MY123456")][0] == "granted"
    assert outcome[("B", "KEY34567")][0] == "granted"
    assert outcome[("A", "KEY34567")] == ("already_granted", outcome[("B", "KEY34567")][1])
    with unit_of_work(cloud_db) as s:
        granted = s.scalars(select(JournalTxn.mykey_id).where(
            JournalTxn.kind == "grant",
            JournalTxn.terminal_id.in_((GRANT_TERMINAL[0], BRANCH_TERMINAL[0])))).all()
        assert sorted(granted) == ["KEY34567", "MY123456"]
        assert verify(s) == []

