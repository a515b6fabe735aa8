"""The only HTTP code of the terminal: move bytes to the cloud and back.

`Transport` is a one-method protocol so tests can pass an adapter over Flask's test client;
`RequestsTransport` is the real one (requests.Session, connection reuse, timeouts). Network
failures become CloudUnreachable; every HTTP answer (2xx or error) is returned as HttpResponse.
"""
from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests

from terminal_app.api.errors import CloudUnreachable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    def header(self, name: str) -> str | None:
        lowered = {k.lower(): v for k, v in self.headers.items()}
        return lowered.get(name.lower())


class Transport(Protocol):
    """Moves one request; `path` is the full path as signed (any `path_prefix` included)."""

    def request(self, method: str, path: str, headers: Mapping[str, str],
                body: bytes | None, timeout_s: float) -> HttpResponse:
        """Send `method path` (path includes the query string); raise CloudUnreachable."""
        ...


class RequestsTransport:
    """HTTP(S) to `base_url` with one Session per thread.

    A base URL with a path (https://host/mykey behind a proxy that keeps the prefix, the app
    mounted with SCRIPT_NAME) sets `path_prefix`; the client signs prefix + path, exactly what
    the cloud sees as script_root + path."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url.rstrip("/"))
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.path_prefix = parts.path
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def request(self, method: str, path: str, headers: Mapping[str, str],
                body: bytes | None, timeout_s: float) -> HttpResponse:
        try:
            response = self._session().request(method, self.origin + path, data=body,
                                               headers=dict(headers), timeout=timeout_s,
                                               allow_redirects=False)
        except requests.RequestException as exc:
            log.warning("%s %s: no answer (%s)", method, path, type(exc).__name__)
            raise CloudUnreachable(type(exc).__name__) from exc
        return HttpResponse(response.status_code, response.content, dict(response.headers))

    def close(self) -> None:
        session = getattr(self._local, "session", None)
        if session is not None:
            session.close()
