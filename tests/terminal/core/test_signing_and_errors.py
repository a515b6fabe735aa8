"""GIVEN a registered terminal WHEN the client sends requests THEN they carry verifiable
signatures (docs/api.md) and error answers become typed, Japanese errors."""
from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping

import pytest

from terminal_app.api.client import CloudClient
from terminal_app.api.errors import CloudError, CloudUnreachable, VersionTooOld
from terminal_app.api.signing import Signer, canonical_string
from terminal_app.api.transport import HttpResponse, RequestsTransport
from terminal_app.credentials import TerminalCredential

FP = "ab" * 32


class Recorder:
    def __init__(self, response: HttpResponse) -> None:
        self.response = response
        self.sent: list[tuple[str, str, dict[str, str], bytes | None]] = []

    def request(self, method: str, path: str, headers: Mapping[str, str], body: bytes | None,
                timeout_s: float) -> HttpResponse:
        self.sent.append((method, path, dict(headers), body))
        return self.response


def test_canonical_string_is_exactly_the_documented_lines() -> None:
    text = canonical_string("post", "/api/v1/spend", 1700000000, "n" * 16, FP, b'{"a":1}')
    assert text.decode().split("\n") == [
        "MYKEY-REQUEST-V1", "POST", "/api/v1/spend", "1700000000", "n" * 16, FP,
        hashlib.sha256(b'{"a":1}').hexdigest()]
    assert canonical_string("GET", "/x", 1, "n", FP, b"").endswith(
        b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")


def test_signed_request_verifies_with_the_registered_public_key() -> None:
    credential = TerminalCredential.generate("00052459")
    transport = Recorder(HttpResponse(200, b'{"status":"ok"}'))
    client = CloudClient(transport, Signer(credential, FP, "0.1.0", clock=lambda: 1700000000.0))
    client._call("GET", "/reports/place?from=2017-08-01&to=2017-08-31")
    method, path, headers, body = transport.sent[0]
    assert path == "/api/v1/reports/place?from=2017-08-01&to=2017-08-31"
    assert headers["X-MyKey-Terminal"] == "00052459" and headers["X-MyKey-Fingerprint"] == FP
    assert headers["X-MyKey-Timestamp"] == "1700000000"
    assert headers["X-MyKey-Client-Version"] == "0.1.0"
    assert 16 <= len(headers["X-MyKey-Nonce"]) <= 64
    signed = canonical_string(method, path, 1700000000, headers["X-MyKey-Nonce"], FP, body or b"")
    credential.private_key.public_key().verify(
        base64.b64decode(headers["X-MyKey-Signature"]), signed)  # raises if wrong


def test_nonces_are_never_reused() -> None:
    signer = Signer(TerminalCredential.generate("00052459"), FP, "0.1.0")
    nonces = {signer.headers("GET", "/x", b"")["X-MyKey-Nonce"] for _ in range(200)}
    assert len(nonces) == 200


def test_mutations_carry_the_idempotency_key() -> None:
    transport = Recorder(HttpResponse(201, b'{"txn_no":"2017123100001","terminal_id":"00052459",'
                                      b'"point_id":"00000001","point_name":"x","amount":500,'
                                      b'"balance_after":1230,"executed_at":"2017-12-31T10:00:00+09:00"}'))
    client = CloudClient(transport, Signer(TerminalCredential.generate("00052459"), FP, "0.1.0"))
    receipt = client.spend("tok", "00000001", 500, key="key-00000001")
    assert receipt.balance_after == 1230 and receipt.executed_at.utcoffset() is not None
    assert transport.sent[0][2]["Idempotency-Key"] == "key-00000001"


def test_problem_json_becomes_cloud_error_with_japanese_detail() -> None:
    body = ('{"type":"about:blank","status":422,"code":"insufficient_balance",'
            '"title":"ポイント残高が不足しています。","detail":"ポイント残高が不足しています。",'
            '"errors":[{"field":"amount","code":"too_large","message":"多すぎます"}]}').encode()
    client = CloudClient(Recorder(HttpResponse(422, body)),
                         Signer(TerminalCredential.generate("00052459"), FP, "0.1.0"))
    with pytest.raises(CloudError) as info:
        client.spend("tok", "00000001", 5000, key="key-00000001")
    assert info.value.code == "insufficient_balance" and info.value.status == 422
    assert str(info.value) == "ポイント残高が不足しています。"
    assert info.value.errors[0].field == "amount"


def test_426_becomes_version_too_old() -> None:
    body = '{"status":426,"code":"version_too_old","detail":"古い","min_version":"0.2.0"}'.encode()
    client = CloudClient(Recorder(HttpResponse(426, body)))
    with pytest.raises(VersionTooOld) as info:
        client.meta()
    assert info.value.min_version == "0.2.0"


def test_non_json_error_is_a_bad_response() -> None:
    client = CloudClient(Recorder(HttpResponse(502, b"<html>Bad Gateway</html>")))
    with pytest.raises(CloudError) as info:
        client.health()
    assert info.value.code == "bad_response" and "502" in str(info.value)


def test_unexpected_shape_is_a_bad_response() -> None:
    client = CloudClient(Recorder(HttpResponse(200, b'{"terminal_id":"1"}')))
    with pytest.raises(CloudError) as info:
        client.precheck("00052459", "pw")
    assert info.value.code == "bad_response"


def test_unregistered_client_refuses_authenticated_calls() -> None:
    with pytest.raises(CloudError) as info:
        CloudClient(Recorder(HttpResponse(200, b"{}"))).terminal()
    assert info.value.code == "not_registered"


def test_requests_transport_maps_a_refused_connection_to_unreachable() -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(CloudUnreachable) as info:
        RequestsTransport(f"http://127.0.0.1:{port}").request("GET", "/api/v1/health", {}, None,
                                                              2.0)
    assert "接続できません" in str(info.value)


def test_base_url_with_a_path_prefix_is_signed_in_full() -> None:
    transport = RequestsTransport("https://points.example.jp/mykey/")
    assert (transport.origin, transport.path_prefix) == ("https://points.example.jp", "/mykey")
    recorder = Recorder(HttpResponse(200, b'{"status":"ok"}'))
    recorder.path_prefix = "/mykey"  # type: ignore[attr-defined]
    CloudClient(recorder).health()
    assert recorder.sent[0][1] == "/mykey/api/v1/health"
