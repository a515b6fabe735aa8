"""The PC/SC backend (pyscard's low-level `smartcard.scard`): readers by name, insert/remove
events via SCardGetStatusChange, exclusive sessions that unpower the card on disconnect.

Missing pyscard or a stopped pcscd is the NO_SERVICE state / ReaderUnavailable, never a crash.
`PCSCLITE_CSOCK_NAME` (read once per process by libpcsclite) selects a non-default pcscd.
"""
from __future__ import annotations

import logging
import threading
from types import ModuleType, TracebackType
from typing import Any, Self

from drivers.card.base import ReaderStatus
from drivers.card.errors import CardBusy, CardRemoved, NoCard, NoReader, ReaderUnavailable

log = logging.getLogger(__name__)

try:
    from smartcard import scard as _scard
    scard: ModuleType | None = _scard
except ImportError:  # pyscard not installed: the backend reports NO_SERVICE
    scard = None

PNP = "\\\\?PnP?\\Notification"
_GONE = ("SCARD_W_REMOVED_CARD", "SCARD_E_NO_SMARTCARD", "SCARD_W_RESET_CARD",
         "SCARD_W_UNPOWERED_CARD", "SCARD_E_READER_UNAVAILABLE", "SCARD_W_UNRESPONSIVE_CARD")
_NO_SERVICE = ("SCARD_E_NO_SERVICE", "SCARD_E_SERVICE_STOPPED")
_UNAWARE = 0  # SCARD_STATE_UNAWARE


def _is(code: int, names: tuple[str, ...]) -> bool:
    assert scard is not None
    return any(code == getattr(scard, n, None) for n in names)


class _Context:
    """An SCARD context, released on exit."""

    def __enter__(self) -> int:
        if scard is None:
            raise ReaderUnavailable("pyscard is not installed")
        rc, self.handle = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if rc != scard.SCARD_S_SUCCESS:
            raise ReaderUnavailable(scard.SCardGetErrorMessage(rc))
        return self.handle

    def __exit__(self, *exc: object) -> None:
        assert scard is not None
        scard.SCardReleaseContext(self.handle)


class PcscReader:
    """A PC/SC reader: `name` None = the first reader, else exact name or name prefix."""

    def __init__(self, name: str | None = None) -> None:
        self.wanted = name
        self.name = name or "pcsc"

    def _resolve(self, ctx: int) -> str:
        assert scard is not None
        rc, names = scard.SCardListReaders(ctx, [])
        if _is(rc, _NO_SERVICE):
            raise ReaderUnavailable(scard.SCardGetErrorMessage(rc))
        names = list(names or []) if rc == scard.SCARD_S_SUCCESS else []
        if self.wanted is None and names:
            return names[0]
        for name in names:
            if name == self.wanted:
                return name
        for name in names:
            if self.wanted and name.startswith(self.wanted):
                return name
        raise NoReader()

    def status(self) -> ReaderStatus:
        """State now (never raises)."""
        try:
            with _Context() as ctx:
                reader = self._resolve(ctx)
                return self._state(ctx, [(reader, _UNAWARE)], 0)
        except ReaderUnavailable:
            return ReaderStatus.NO_SERVICE
        except NoReader:
            return ReaderStatus.NO_READER

    def _state(self, ctx: int, states: list[tuple[Any, ...]], timeout_ms: int) -> ReaderStatus:
        assert scard is not None
        rc, new = scard.SCardGetStatusChange(ctx, timeout_ms, states)
        if _is(rc, _NO_SERVICE):
            return ReaderStatus.NO_SERVICE
        if rc not in (scard.SCARD_S_SUCCESS, scard.SCARD_E_TIMEOUT):
            return ReaderStatus.NO_READER
        event = new[0][1]
        if event & scard.SCARD_STATE_PRESENT and not event & scard.SCARD_STATE_MUTE:
            return ReaderStatus.CARD_PRESENT
        return ReaderStatus.NO_CARD

    def wait_for_change(self, timeout_s: float) -> ReaderStatus:
        """Block until insert/remove (or a reader appears) or the timeout."""
        try:
            with _Context() as ctx:
                return self._wait(ctx, max(0, int(timeout_s * 1000)))
        except ReaderUnavailable:
            threading.Event().wait(timeout_s)  # nothing can change until the service starts
            return ReaderStatus.NO_SERVICE

    def _wait(self, ctx: int, timeout_ms: int) -> ReaderStatus:
        assert scard is not None
        try:
            reader = self._resolve(ctx)
        except NoReader:
            rc, _ = scard.SCardGetStatusChange(ctx, timeout_ms, [(PNP, 0)])
            if rc not in (scard.SCARD_S_SUCCESS, scard.SCARD_E_TIMEOUT):
                threading.Event().wait(timeout_ms / 1000)  # no hot-plug events: idle instead
            return self.status()
        rc, now = scard.SCardGetStatusChange(ctx, 0, [(reader, scard.SCARD_STATE_UNAWARE)])
        if rc != scard.SCARD_S_SUCCESS:
            return self.status()
        current = now[0][1] & ~scard.SCARD_STATE_CHANGED
        rc, _ = scard.SCardGetStatusChange(ctx, timeout_ms, [(reader, current)])
        return self._state(ctx, [(reader, scard.SCARD_STATE_UNAWARE)], 0)

    def connect(self) -> PcscConnection:
        """Exclusive session with the card; ReaderUnavailable / NoReader / NoCard / CardBusy."""
        holder = _Context()
        ctx = holder.__enter__()
        try:
            return PcscConnection(holder, *self._connect(ctx))
        except BaseException:
            holder.__exit__(None, None, None)
            raise

    def _connect(self, ctx: int) -> tuple[int, int, bytes]:
        assert scard is not None
        reader = self._resolve(ctx)
        rc, card, protocol = scard.SCardConnect(
            ctx, reader, scard.SCARD_SHARE_EXCLUSIVE,
            scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
        if rc == scard.SCARD_E_SHARING_VIOLATION:
            raise CardBusy()
        if _is(rc, _GONE) or rc != scard.SCARD_S_SUCCESS:
            log.info("SCardConnect: %s", scard.SCardGetErrorMessage(rc))
            raise NoCard()
        rc, _, _, _, atr = scard.SCardStatus(card)
        return card, protocol, bytes(atr or b"")


class PcscConnection:
    """An exclusive PC/SC session; close() disconnects with SCARD_UNPOWER_CARD."""

    def __init__(self, context: _Context, card: int, protocol: int, atr: bytes) -> None:
        assert scard is not None
        self._context, self._card, self.atr = context, card, atr
        t0 = protocol == scard.SCARD_PROTOCOL_T0
        self._pci = scard.SCARD_PCI_T0 if t0 else scard.SCARD_PCI_T1
        self._open = True

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        """One APDU; CardRemoved when the card left or was reset."""
        assert scard is not None
        if not self._open:
            raise CardRemoved()
        rc, response = scard.SCardTransmit(self._card, self._pci, list(apdu))
        if rc != scard.SCARD_S_SUCCESS or len(response) < 2:
            log.info("SCardTransmit: %s", scard.SCardGetErrorMessage(rc))
            raise CardRemoved()
        return bytes(response[:-2]), (response[-2] << 8) | response[-1]

    def close(self) -> None:
        """Disconnect and power the card down."""
        if self._open:
            assert scard is not None
            self._open = False
            scard.SCardDisconnect(self._card, scard.SCARD_UNPOWER_CARD)
            self._context.__exit__(None, None, None)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
