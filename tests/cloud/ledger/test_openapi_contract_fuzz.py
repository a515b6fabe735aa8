"""GIVEN the OpenAPI document the cloud serves WHEN schemathesis generates requests for every
operation, valid and invalid, signed by a terminal of each category THEN no answer is a server
error, and every answer's status, media type, headers and body are the ones documented
(docs/openapi.json); data the document calls invalid is refused.

The signature cannot be generated: a WSGI wrapper in front of the app signs each request as the
terminal's client does (docs/api.md), over the request target and body exactly as sent.
"""
from __future__ import annotations

import base64
import io
import secrets
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config._checks import NegativeDataRejectionConfig
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cloud_api.api._request import request_target
from cloud_api.api.meta import OPENAPI_PATH as OPENAPI
from cloud_api.services.terminal_auth import canonical_string
from tests.cloud.conftest import CLIENT_VERSION
from tests.cloud.ledger.world import CHAMBER, MUSEUM, OFFICE, STREET

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance, negative_data_rejection]
EXAMPLES = 20   # per operation, mode and terminal: 28 × 2 × 4 × 20 requests in all
# a refusal of invalid data: also "too large" and "update the terminal software"
REJECTIONS = [*NegativeDataRejectionConfig().expected_statuses, "413", "426"]


class SigningTerminal:
    """WSGI middleware: a request that carries a signature header is signed as the terminal
    `key` would sign it (the generated X-MyKey-* values replaced, a generated client version
    replaced by the terminal's own); one generated without them stays without them."""

    def __init__(self, app: Any, key: Any, clock: Any) -> None:
        self.app, self.key, self.clock = app, key, clock

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if "HTTP_X_MYKEY_CLIENT_VERSION" in environ:
            environ["HTTP_X_MYKEY_CLIENT_VERSION"] = CLIENT_VERSION
        if "HTTP_X_MYKEY_SIGNATURE" in environ:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(body)
            ts, nonce = str(int(self.clock.now().timestamp())), secrets.token_urlsafe(18)
            text = canonical_string(environ["REQUEST_METHOD"], request_target(environ), ts, nonce,
                                    self.key.fingerprint, body)
            environ.update({
                "HTTP_X_MYKEY_TERMINAL": self.key.terminal_id, "HTTP_X_MYKEY_TIMESTAMP": ts,
                "HTTP_X_MYKEY_NONCE": nonce, "HTTP_X_MYKEY_FINGERPRINT": self.key.fingerprint,
                "HTTP_X_MYKEY_SIGNATURE": base64.b64encode(
                    self.key.private_key.sign(text.encode())).decode()})
        return self.app(environ, start_response)


OPERATIONS = sorted((path, method) for path, ops in
                    __import__("json").loads(OPENAPI.read_text(encoding="utf-8"))["paths"].items()
                    for method in ops)


@pytest.mark.parametrize("terminal", [MUSEUM, CHAMBER, OFFICE, STREET], ids=["I", "U", "E", "A"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=["valid", "invalid"])
def test_every_operation_answers_as_documented(world, app, factory, clock, terminal,
                                               mode) -> None:  # type: ignore[no-untyped-def]
    app.wsgi_app = SigningTerminal(app.wsgi_app, factory.keys[terminal], clock)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.config.checks.negative_data_rejection.expected_statuses = REJECTIONS
    operations = [result.ok() for result in schema.get_all_operations()]
    walked = {(op.path, op.method.lower()) for op in operations}
    assert set(OPERATIONS) - walked <= {("/openapi.json", "get")}   # the document itself
    failures = []
    for operation in operations:
        if mode.is_negative and not _has_input(operation):
            continue   # nothing in the request to make invalid
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.generate])
        def answers_as_documented(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(checks=CHECKS)
        try:
            answers_as_documented()
        except (AssertionError, BaseExceptionGroup) as exc:   # try every operation, report all
            failures.append(f"{operation.method.upper()} {operation.path}: {_summary(exc)}")
    assert failures == [], "\n\n".join(failures)


def _has_input(operation: Any) -> bool:
    return bool(operation.definition.raw.get("parameters")
                or operation.definition.raw.get("requestBody")
                or "{" in operation.path)


def _summary(exc: BaseException) -> str:
    """Each distinct failure in a few lines (schemathesis' own report runs to pages)."""
    parts = getattr(exc, "exceptions", None) or [exc]
    return "\n".join(" | ".join(str(p).strip().splitlines()[:8]) for p in parts)
