"""Typed client of the cloud API v1 (docs/api.md): one method per endpoint, dataclass results.

Reads go straight through the transport; mutating calls carry an Idempotency-Key and, when an
Outbox is attached, are recorded before sending (with their operation `Kind`) and retried with
the same key and bytes. `replay_typed(key)` (再確認) re-sends a recorded request and parses the
answer with the parser of its kind (`RESULTS`), into what the original call returns.
Error responses raise CloudError / VersionTooOld; no answer raises CloudUnreachable (reads) or
OutcomeUnknown (mutations through the outbox).
"""
from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from terminal_app.api.errors import CloudError, error_from_response
from terminal_app.api.signing import Signer
from terminal_app.api.transport import HttpResponse, Transport
from terminal_app.domain.contact import Contact
from terminal_app.domain.models import (
    CardRead,
    Linkage,
    MergeResult,
    PlaceReport,
    Precheck,
    Receipt,
    ServiceIdLookup,
    ServiceIdRegistration,
    TerminalInfo,
    VoucherInfo,
    VoucherIssue,
    VoucherRedemption,
)
from terminal_app.domain.mykey import MykeyCandidate, MykeyChallenge, MykeyCreated
from terminal_app.messages import message
from terminal_app.outbox.outbox import Outbox
from terminal_app.outbox.store import OutboxEntry

log = logging.getLogger(__name__)

API = "/api/v1"
Json = dict[str, Any]
T = TypeVar("T")


def encode(payload: Json) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Kind(StrEnum):
    """The operation of a mutating request, recorded with its outbox row."""

    REGISTER = "register"
    CONTACT = "contact"
    SERVICE_ID = "service_id"
    SPEND = "spend"
    VOUCHER_ISSUE = "voucher_issue"
    VOUCHER_REDEEM = "voucher_redeem"
    VOUCHER_REPRINT = "voucher_reprint"
    MERGE = "merge"
    MYKEY_CREATE = "mykey_create"
    GRANT_ROSTER = "grant_roster"   # terminal_app.grant_support.cloud parses these two itself
    GRANT = "grant"


def registration_result(d: Json) -> TerminalInfo:
    return TerminalInfo.from_json(d["terminal"])


def merge_result(d: Json) -> MergeResult:
    link = d["linkage"]
    linkage = Linkage(str(link["format"]), str(link["filename"]),
                      base64.b64decode(link["content_b64"], validate=True))
    return MergeResult(Receipt.from_json(d), str(d["street_name"]), str(d["customer_id"]), linkage)


# kind -> the result of its call from the JSON answer: what the call's method parses
# (tests/terminal/core/test_recheck_kinds.py compares the replays of a spend and a merge with
# their calls)
RESULTS: dict[Kind, Callable[[Any], Any]] = {
    Kind.REGISTER: registration_result,
    Kind.CONTACT: TerminalInfo.from_json,
    Kind.SERVICE_ID: ServiceIdRegistration.from_json,
    Kind.SPEND: Receipt.from_json,
    Kind.VOUCHER_ISSUE: VoucherIssue.from_json,
    Kind.VOUCHER_REDEEM: VoucherRedemption.from_json,
    Kind.VOUCHER_REPRINT: VoucherIssue.from_json,
    Kind.MERGE: merge_result,
    Kind.MYKEY_CREATE: MykeyCreated.from_json,
}


class CloudClient:
    """The cloud as typed calls. `signer` is None before registration (public endpoints only)."""

    def __init__(self, transport: Transport, signer: Signer | None = None, *,
                 outbox: Outbox | None = None, timeout_s: float = 10.0,
                 client_version: str = "0.1.0",
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.transport = transport
        self.signer = signer
        self.outbox = outbox
        self.secret_outbox = outbox.in_memory() if outbox is not None else None
        self.timeout_s = timeout_s
        self.client_version = client_version
        self._clock = clock

    # -- public endpoints -------------------------------------------------------------
    def health(self) -> Json:
        return self._call("GET", "/health", auth=False)

    def meta(self) -> Json:
        return self._call("GET", "/meta", auth=False)

    def precheck(self, terminal_id: str, password: str) -> Precheck:
        data = self._call("POST", "/terminals/precheck",
                          {"terminal_id": terminal_id, "password": password}, auth=False)
        return self._parse(Precheck.from_json, data)

    def register(self, terminal_id: str, password: str, public_key_b64: str, fingerprint: str,
                 contact: Contact, *, key: str) -> TerminalInfo:
        payload = {"terminal_id": terminal_id, "password": password,
                   "public_key": public_key_b64, "fingerprint": fingerprint,
                   "contact": contact.to_json()}
        data = self._mutate(Kind.REGISTER, "POST", "/terminals/register", payload, key,
                            secret=True, signed=False)
        return self._parse(registration_result, data)

    # -- the terminal itself ----------------------------------------------------------
    def terminal(self) -> TerminalInfo:
        return self._parse(TerminalInfo.from_json, self._call("GET", "/terminal"))

    def update_contact(self, contact: Contact, *, key: str) -> TerminalInfo:
        data = self._mutate(Kind.CONTACT, "PUT", "/terminal/contact", contact.to_json(), key)
        return self._parse(TerminalInfo.from_json, data)

    # -- cards ------------------------------------------------------------------------
    def read_card(self, auth_cert_der: bytes) -> CardRead:
        data = self._call("POST", "/cards/read",
                          {"auth_cert": base64.b64encode(auth_cert_der).decode("ascii")})
        return self._parse(lambda d: CardRead.from_json(d, self._clock()), data)

    def read_shopping_card(self, customer_id: str) -> CardRead:
        data = self._call("POST", "/cards/read-shopping", {"customer_id": customer_id})
        return self._parse(lambda d: CardRead.from_json(d, self._clock()), data)

    # -- service IDs ------------------------------------------------------------------
    def register_service_id(self, card_token: str, customer_id: str, address_notice: bool,
                            sign_cert_serial: str | None, *, key: str) -> ServiceIdRegistration:
        payload = {"card_token": card_token, "customer_id": customer_id,
                   "address_notice": address_notice, "sign_cert_serial": sign_cert_serial}
        data = self._mutate(Kind.SERVICE_ID, "POST", "/service-ids", payload, key)
        return self._parse(ServiceIdRegistration.from_json, data)

    def lookup_service_id(self, card_token: str) -> ServiceIdLookup:
        data = self._call("POST", "/service-ids/lookup", {"card_token": card_token})
        return self._parse(ServiceIdLookup.from_json, data)

    # -- points -----------------------------------------------------------------------
    def spend(self, card_token: str, point_id: str, amount: int, *, key: str) -> Receipt:
        data = self._mutate(Kind.SPEND, "POST", "/spend", {
            "card_token": card_token, "point_id": point_id, "amount": amount}, key)
        return self._parse(Receipt.from_json, data)

    def issue_voucher(self, card_token: str, point_id: str, amount: int, validity_days: int, *,
                      key: str) -> VoucherIssue:
        payload = {"card_token": card_token, "point_id": point_id, "amount": amount,
                   "validity_days": validity_days}
        data = self._mutate(Kind.VOUCHER_ISSUE, "POST", "/vouchers", payload, key)
        return self._parse(VoucherIssue.from_json, data)

    def voucher(self, voucher_no: str) -> VoucherInfo:
        data = self._call("GET", f"/vouchers/{quote(voucher_no, safe='')}")
        return self._parse(VoucherInfo.from_json, data)

    def redeem_voucher(self, voucher_no: str, *, key: str) -> VoucherRedemption:
        data = self._mutate(Kind.VOUCHER_REDEEM, "POST",
                            f"/vouchers/{quote(voucher_no, safe='')}/redeem", {}, key)
        return self._parse(VoucherRedemption.from_json, data)

    def reprint_voucher(self, voucher_no: str, *, key: str) -> VoucherIssue:
        data = self._mutate(Kind.VOUCHER_REPRINT, "POST",
                            f"/vouchers/{quote(voucher_no, safe='')}/reprint", {}, key)
        return self._parse(VoucherIssue.from_json, data)

    def merge(self, card_token: str, point_id: str, amount: int, *, key: str) -> MergeResult:
        data = self._mutate(Kind.MERGE, "POST", "/merges", {
            "card_token": card_token, "point_id": point_id, "amount": amount}, key)
        return self._parse(merge_result, data)

    # -- reports ----------------------------------------------------------------------
    def report_place(self, start: date, end: date) -> PlaceReport:
        query = urlencode({"from": start.isoformat(), "to": end.isoformat()})
        return self._parse(PlaceReport.from_json, self._call("GET", f"/reports/place?{query}"))

    def report_place_csv(self, start: date, end: date) -> bytes:
        query = urlencode({"from": start.isoformat(), "to": end.isoformat()})
        return self._send_checked("GET", f"{API}/reports/place.csv?{query}", b"", None).body

    # -- MyKey ID creation at the counter (画面14-17) ------------------------------------
    def mykey_challenge(self) -> MykeyChallenge:
        return self._parse(MykeyChallenge.from_json, self._call("POST", "/mykey/challenge", {}))

    def mykey_generate(self, challenge_id: str) -> MykeyCandidate:
        data = self._call("POST", "/mykey/generate", {"challenge_id": challenge_id})
        return self._parse(MykeyCandidate.from_json, data)

    def mykey_check(self, challenge_id: str, candidate: str) -> MykeyCandidate:
        data = self._call("POST", "/mykey/check",
                          {"challenge_id": challenge_id, "mykey_id": candidate})
        return self._parse(MykeyCandidate.from_json, data)

    def mykey_create(self, payload: Json, *, key: str) -> MykeyCreated:
        data = self._mutate(Kind.MYKEY_CREATE, "POST", "/mykey", payload, key,
                            secret=True)  # holds a password
        return self._parse(MykeyCreated.from_json, data)

    # -- 再確認 -----------------------------------------------------------------------
    def recorded(self, key: str) -> OutboxEntry | None:
        """The outbox row of `key` (in memory for secret bodies, else on disk), or None."""
        for box in (self.secret_outbox, self.outbox):
            entry = box.store.get(key) if box is not None else None
            if entry is not None:
                return entry
        return None

    def replay(self, key: str) -> Json:
        """Re-send an outbox entry (再確認) and return its JSON result."""
        assert self.outbox is not None and self.secret_outbox is not None
        box = self.secret_outbox if self.secret_outbox.store.get(key) else self.outbox
        return self._result(box.replay(key, self.send_raw))

    def replay_typed(self, key: str) -> Any:
        """Re-send an outbox entry and return what its call returns (by its recorded kind);
        the JSON itself for a kind parsed elsewhere or a version-1 row of no known call."""
        entry = self.recorded(key)
        data = self.replay(key)
        return self.typed(entry.kind, data) if entry is not None and entry.kind else data

    def typed(self, kind: str, data: Any) -> Any:
        """The result of a `kind` call from its JSON answer (the JSON if parsed elsewhere)."""
        parse = RESULTS.get(Kind(kind))
        return self._parse(parse, data) if parse is not None else data

    # -- plumbing ---------------------------------------------------------------------

    def send_raw(self, method: str, path: str, body: bytes, key: str | None) -> HttpResponse:
        """Sign and send; return whatever HTTP answer came (raises CloudUnreachable)."""
        path = getattr(self.transport, "path_prefix", "") + path
        headers = {"Accept": "application/json"}
        if body or method in ("POST", "PUT"):
            headers["Content-Type"] = "application/json"
        if key:
            headers["Idempotency-Key"] = key
        if self.signer is not None:
            headers.update(self.signer.headers(method, path, body))
        else:
            headers["X-MyKey-Client-Version"] = self.client_version
        return self.transport.request(method, path, headers, body or None, self.timeout_s)

    def _call(self, method: str, path: str, payload: Json | None = None, *,
              auth: bool = True, key: str | None = None) -> Any:
        if auth and self.signer is None:
            raise CloudError("not_registered", message("not_registered"), 401)
        body = encode(payload) if payload is not None else b""
        return self._send_checked(method, API + path, body, key).json()

    def _mutate(self, kind: Kind, method: str, path: str, payload: Json, key: str, *,
                secret: bool = False, signed: bool = True) -> Any:
        """Send through the outbox; `secret` bodies (passwords) are kept in memory only;
        `signed=False` for the registration, which the terminal password authorises."""
        if signed and self.signer is None:
            raise CloudError("not_registered", message("not_registered"), 401)
        body = encode(payload)
        box = self.secret_outbox if secret else self.outbox
        if box is None:
            return self._result(self.send_raw(method, API + path, body, key))
        return self._result(box.deliver(key, method, API + path, body, self.send_raw,
                                        kind=kind))

    def _send_checked(self, method: str, path: str, body: bytes, key: str | None) -> HttpResponse:
        response = self.send_raw(method, path, body, key)
        if response.status >= 400:
            raise error_from_response(response.status, response.body)
        return response

    def _result(self, response: HttpResponse) -> Any:
        if response.status >= 400:
            raise error_from_response(response.status, response.body)
        return response.json()

    def _parse(self, build: Callable[[Any], T], data: Any) -> T:
        try:
            return build(data)
        except (KeyError, ValueError, TypeError) as exc:
            log.error("unexpected response shape: %s", exc)
            raise CloudError("bad_response", message("cloud_bad_response", status=200),
                             200) from exc

