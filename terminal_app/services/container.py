"""The composition of the terminal core: `build_services(config)` -> Services.

One attribute per service; the UI (terminal_app/app.py) and the CLI both use it. Hardware and
network are injectable for tests and the demo: `transport` (default requests to cloud_url),
`reader` (default drivers.card.open_reader(config.reader_spec), opened lazily), `printer`
(default drivers.printer Printer.from_config(printer_spec, printer_profile) when a printer is
configured), `keystrokes` (default drivers.keyboard.open_keystroke_sender(keystroke_spec), opened and closed
per hand-off; an injected sender is reused and left open).
"""
from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from keyring.backend import KeyringBackend

from terminal_app.api.transport import RequestsTransport, Transport
from terminal_app.config import TerminalConfig
from terminal_app.credentials import CredentialStore
from terminal_app.outbox import Outbox, OutboxStore
from terminal_app.services.cards import CardService, ReaderFactory
from terminal_app.services.mykey_ids import MykeyIdService
from terminal_app.services.points import PointService
from terminal_app.services.postal import PostalService
from terminal_app.services.receipts import PrinterFactory, ReceiptService
from terminal_app.services.recheck import RecheckService
from terminal_app.services.registration import RegistrationService
from terminal_app.services.reports import ReportService
from terminal_app.services.service_ids import KeystrokeFactory, ServiceIdService
from terminal_app.services.session import CloudSession, default_fingerprint
from terminal_app.services.vouchers import VoucherService

if TYPE_CHECKING:
    from drivers.card.base import CardReader
    from drivers.keyboard.sender import KeystrokeSender
    from drivers.printer.printer import Printer

log = logging.getLogger(__name__)


@dataclass
class Services:
    config: TerminalConfig
    session: CloudSession
    registration: RegistrationService
    postal: PostalService
    cards: CardService
    service_ids: ServiceIdService
    points: PointService
    vouchers: VoucherService
    reports: ReportService
    receipts: ReceiptService
    mykey_ids: MykeyIdService
    recheck: RecheckService

    def close(self) -> None:
        self.receipts.close()
        self.session.outbox.store.close()


def build_services(config: TerminalConfig, *, transport: Transport | None = None,
                   reader: CardReader | None = None, printer: Printer | None = None,
                   keystrokes: KeystrokeSender | None = None,
                   keyring_backend: KeyringBackend | None = None,
                   fingerprint: Callable[[], str] | None = None) -> Services:
    """Wire every service for the terminal living in `config.home`."""
    config.home.mkdir(parents=True, exist_ok=True)
    outbox = Outbox(OutboxStore(config.outbox_path), retries=config.http_retries,
                    backoff_s=config.retry_backoff_s)
    session = CloudSession(config, transport or RequestsTransport(config.cloud_url),
                           CredentialStore(config.home, keyring_backend), outbox,
                           fingerprint or default_fingerprint)
    cards = CardService(session, _reader(config, reader))
    points = PointService(session, config.effective_merge_folder)
    return Services(
        config, session, RegistrationService(session), PostalService(), cards,
        ServiceIdService(session, cards, _keystrokes(config, keystrokes),
                         config.keystroke_terminator),
        points, VoucherService(session), ReportService(session),
        ReceiptService(_printer(config, printer), config.printer_profile),
        MykeyIdService(session, cards), RecheckService(session, points))


def _reader(config: TerminalConfig, reader: CardReader | None) -> ReaderFactory:
    if reader is not None:
        return lambda: reader

    def open_configured() -> CardReader:
        from drivers.card.reader import open_reader

        return open_reader(config.reader_spec)
    return open_configured


def _printer(config: TerminalConfig, printer: Printer | None) -> PrinterFactory | None:
    if printer is not None:
        return lambda: printer
    if not config.printer_spec:
        return None

    def open_configured() -> Printer:
        from drivers.printer.printer import Printer

        return Printer.from_config(config.printer_spec, config.printer_profile)
    return open_configured


def _keystrokes(config: TerminalConfig, keystrokes: KeystrokeSender | None) -> KeystrokeFactory:
    if keystrokes is not None:     # an injected sender is borrowed, never closed here
        return lambda: contextlib.nullcontext(keystrokes)

    def open_configured() -> KeystrokeSender:
        from drivers.keyboard import open_keystroke_sender

        return open_keystroke_sender(config.keystroke_spec)
    return open_configured
