"""The cloud's grant endpoints as typed calls, over the core's signed client and outbox.

Mutations (roster upload, a grant for a 付与日) go through the outbox with a client-made key, so a lost
answer is retried with the same key and bytes and never applied twice. A mobile upload needs no
request key: each item carries its own client-made id, which the cloud de-duplicates.
"""
from __future__ import annotations

import base64
import hashlib
import logging
import uuid
from typing import Any

from terminal_app.api.client import API, CloudClient, Kind, encode
from terminal_app.api.errors import error_from_response
from terminal_app.api.transport import HttpResponse
from terminal_app.grant_support.models import GrantBusiness, GrantDone, OfflineRead, RosterRow
from terminal_app.services.session import CloudSession

log = logging.getLogger(__name__)

UPLOAD_CHUNK = 50


def grant_key(terminal_id: str, business_id: str, mykey_id: str, grant_date: str) -> str:
    """The one idempotency key of (business, MyKey ID, 付与日) on this terminal."""
    raw = f"{terminal_id}|{business_id}|{mykey_id}|{grant_date}".encode()
    return "g-" + hashlib.sha256(raw).hexdigest()[:40]


class GrantCloud:
    """GET/POST of the grant business endpoints (docs/grant-business.md)."""

    def __init__(self, session: CloudSession) -> None:
        self.session = session

    @property
    def client(self) -> CloudClient:
        return self.session.client()

    def _get(self, path: str) -> Any:
        return self._checked(self.client.send_raw("GET", API + path, b"", None)).json()

    def _post(self, path: str, payload: dict[str, Any], key: str | None,
              kind: Kind | None) -> Any:
        """POST; through the outbox as a `kind` operation when it has a request key."""
        client, body = self.client, encode(payload)
        if key is None or kind is None or client.outbox is None:
            return self._checked(client.send_raw("POST", API + path, body, key)).json()
        return self._checked(client.outbox.deliver(key, "POST", API + path, body,
                                                   client.send_raw, kind=kind)).json()

    @staticmethod
    def _checked(response: HttpResponse) -> HttpResponse:
        if response.status >= 400:
            raise error_from_response(response.status, response.body)
        return response

    def businesses(self) -> tuple[str, list[GrantBusiness]]:
        """(municipality name, the grant-business master of this terminal's municipality)."""
        data = self._get("/grant-businesses")
        return (str(data["municipality"]["name"]),
                [GrantBusiness.from_json(b) for b in data["grant_businesses"]])

    def roster(self, business_id: str) -> list[tuple[str, int]]:
        data = self._get(f"/grant-businesses/{business_id}/roster")
        return [(str(e["mykey_id"]), int(e["points"])) for e in data["entries"]]

    def push_roster(self, business_id: str, rows: list[RosterRow]) -> dict[str, int]:
        payload = {"entries": [{"mykey_id": r.mykey_id, "points": r.points,
                                "person": r.person.to_json()} for r in rows]}
        key = "r-" + uuid.uuid4().hex
        return dict(self._post(f"/grant-businesses/{business_id}/roster", payload, key,
                               Kind.GRANT_ROSTER))

    def grant(self, business_id: str, mykey_id: str, grant_date: str, key: str) -> GrantDone:
        """Grant the cloud roster's points for `grant_date` (YYYY-MM-DD); a CloudError 409
        `grant_already_given` when this business granted the person that day already."""
        payload = {"mykey_id": mykey_id, "grant_date": grant_date, "client_ref": key}
        data = self._post(f"/grant-businesses/{business_id}/grants", payload, key, Kind.GRANT)
        return GrantDone(mykey_id, int(data["amount"]), str(data["txn_no"]))

    def upload(self, business_id: str, reads: list[OfflineRead]) -> list[dict[str, Any]]:
        """Send one chunk (≤ UPLOAD_CHUNK reads) of offline card reads; the cloud's outcomes."""
        items = [{"client_ref": r.client_ref, "read_at": r.read_at,
                  "auth_cert": base64.b64encode(r.cert_der).decode("ascii")} for r in reads]
        data = self._post("/grant-uploads", {"grant_business_id": business_id,
                                             "items": items}, None, None)
        return list(data["results"])
