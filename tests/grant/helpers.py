"""Test helpers of the grant tests: loopback cloud with SMTP settings, a local SMTP sink
(aiosmtpd), a registered grant terminal, extra virtual cards, ledger checks."""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import select

from terminal_app.demo import DemoWorld, free_port
from tests.terminal.ui.harness import MERGE_KEY_HEX, WorldTemplate, make_terminal_services, register

GRANT_TERMINAL = ("00053062", "ag8ake2")     # (エ) XX市1台目, 川崎市 141305
BRANCH_TERMINAL = ("00053063", "branch12")   # (エ) a branch office's PC, added by these tests
BUSINESS_ID = "0001"                         # 健康づくり事業, 100 pt per grant
HOLDER = "MY123456"                          # on the roster in most tests; asks for notices
OTHER = "KEY34567"                           # has a MyKey ID, not on the roster
HOLDER_EMAIL = "hanako@example.jp"


class SmtpSink:
    """A real SMTP server on loopback that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._arrived = threading.Condition()
        self.port = free_port()
        self._controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = message_from_bytes(envelope.content, policy=policy.default)
        with self._arrived:
            self.messages.append(mail)  # type: ignore[arg-type]
            self._arrived.notify_all()
        return "250 OK"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def wait_for(self, count: int, timeout_s: float = 10.0) -> list[EmailMessage]:
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.messages) >= count, timeout_s)
            return list(self.messages)


@dataclass
class GrantWorld:
    """The demo world, its cloud app served on loopback, and an extra card with no MyKey ID."""

    demo: DemoWorld
    app: Any
    url: str
    stranger_card: Path
    extra: dict[str, Any] = field(default_factory=dict)

    def card(self, mykey_id: str) -> Path:
        return self.demo.card(mykey_id).path

    def session(self) -> Any:
        from cloud_api.db import unit_of_work

        return unit_of_work(self.app.extensions["mykey"].sessions)

    def balance(self, mykey_id: str) -> int:
        from cloud_api.models.accounts import Holder
        from cloud_api.services.ledger.balances import balances_for
        from cloud_api.services.points import get_point

        clock = self.app.extensions["mykey"].clock
        with self.session() as s:
            holder = s.scalar(select(Holder).where(Holder.mykey_id == mykey_id))
            point = get_point(s, 1)
            return int(balances_for(s, holder.id, [point], clock.today())[0].balance)

    def verify_ledger(self) -> list[Any]:
        from cloud_api.services.ledger.verify import verify

        with self.session() as s:
            return verify(s)

    def grant_txns(self, mykey_id: str) -> int:
        from cloud_api.models.ledger import JournalTxn

        with self.session() as s:
            return len(s.scalars(select(JournalTxn).where(
                JournalTxn.kind == "grant", JournalTxn.mykey_id == mykey_id,
                JournalTxn.terminal_id == GRANT_TERMINAL[0])).all())


def collation(card_path: Path) -> str:
    from drivers.card.virtual.card_file import load_card

    return load_card(card_path).keys["collation_b"].value


def _stranger_card(demo: DemoWorld) -> Path:
    from drivers.card.virtual.ca import issue_card, load_ca
    from drivers.card.virtual.card_file import save_card
    from drivers.card.virtual.cert_builder import Holder

    doc = issue_card(load_ca(demo.ca_dir), Holder("鈴木 隆", "東京都豊島区東池袋1-20-15",
                                                  date(1960, 5, 5), "1"),
                     pin="1234", sign_password=None)
    path = demo.cards_dir / "stranger.json"
    save_card(doc, path)
    return path


def _prepare(app: Any) -> None:
    """MY123456 asks for grant notices; a second (エ) terminal for a branch office (様式II)."""
    from cloud_api.db import unit_of_work
    from cloud_api.models.accounts import Holder, Terminal
    from cloud_api.services.passwords import hash_password

    with unit_of_work(app.extensions["mykey"].sessions) as s:
        holder = s.scalar(select(Holder).where(Holder.mykey_id == HOLDER))
        holder.email, holder.notice_granted = HOLDER_EMAIL, True
        s.add(Terminal(terminal_id=BRANCH_TERMINAL[0], municipality_code="141305", category="E",
                       also_point_use=False, place="XX市支所", name="XX市支所1台目",
                       state="issued", failed_attempts=0,
                       password_hash=hash_password(BRANCH_TERMINAL[1])))


@contextlib.contextmanager
def world_cloud(template: WorldTemplate, tmp_path: Path, smtp: Any) -> Iterator[GrantWorld]:
    """The real cloud app over a private copy of the demo database, served on loopback."""
    from werkzeug.serving import make_server

    from cloud_api import create_app
    from cloud_api.config import Settings

    demo = template.copy_to(tmp_path / "world")
    settings = Settings(data_dir=demo.cloud_home, jpki_ca_dir=demo.ca_dir, secret_key="grant",
                        merge_key_hex=MERGE_KEY_HEX, merge_hash_secret="grant",
                        smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_from="noreply@city.example")
    app = create_app(settings)
    _prepare(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield GrantWorld(demo, app, f"http://127.0.0.1:{server.server_port}", _stranger_card(demo))
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
        mailer = app.extensions.get("grant_mailer")
        if mailer is not None:
            mailer.close()
        app.extensions["mykey"].engine.dispose()


def grant_terminal(world: GrantWorld, home: Path, *, reader: Any = None, transport: Any = None,
                   terminal: tuple[str, str] = GRANT_TERMINAL) -> tuple[Any, Any]:
    """A registered (エ) terminal: (core services, grant services)."""
    from terminal_app.grant_support.services import build_grant_services

    services = make_terminal_services(home, world.url, reader=reader, transport=transport)
    register(services, terminal)
    return services, build_grant_services(services)
