"""GIVEN outbox rows recorded with their operation kind WHEN 再確認 replays them THEN the client
parses the answer by the recorded kind (not by the path), a merge writes its linkage file, and a
replay returns what the original call returned."""
from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from terminal_app.api.client import CloudClient, Kind
from terminal_app.api.errors import CloudUnreachable
from terminal_app.api.signing import Signer
from terminal_app.api.transport import HttpResponse
from terminal_app.credentials import TerminalCredential
from terminal_app.domain.errors import OutcomeUnknown
from terminal_app.domain.models import MergeResult, Receipt
from terminal_app.outbox import Outbox, OutboxStore
from terminal_app.services.points import PointService
from terminal_app.services.recheck import RecheckService
from terminal_app.services.session import CloudSession

RECEIPT = {"txn_no": "2017123100001", "terminal_id": "00052459", "point_id": "00000001",
           "point_name": "美術館ポイント", "amount": 500, "balance_after": 1230,
           "executed_at": "2017-12-31T10:00:00+09:00"}
MERGE = {**RECEIPT, "street_name": "駅前商店街", "customer_id": "C-1", "linkage": {
    "format": "v2", "filename": "20171231-00001.mkm2",
    "content_b64": base64.b64encode(b"MKM2 linkage bytes").decode()}}


class Cloud:
    """Answers every request with `answer`; `lost` first requests lose their answer."""

    def __init__(self, answer: dict[str, Any], lost: int = 0) -> None:
        self.answer, self.lost, self.paths = answer, lost, []

    def request(self, method: str, path: str, headers: Mapping[str, str], body: bytes | None,
                timeout_s: float) -> HttpResponse:
        self.paths.append(path)
        if len(self.paths) <= self.lost:
            raise CloudUnreachable("ReadTimeout")
        return HttpResponse(201, json.dumps(self.answer).encode())


def client_over(cloud: Cloud, tmp_path: Path) -> CloudClient:
    outbox = Outbox(OutboxStore(tmp_path / "outbox.sqlite3"), retries=0, sleep=lambda s: None)
    signer = Signer(TerminalCredential.generate("00052459"), "ab" * 32, "0.1.0")
    return CloudClient(cloud, signer, outbox=outbox)


def recheck_service(client: CloudClient, merge_folder: Path) -> RecheckService:
    session = cast(CloudSession, SimpleNamespace(client=lambda: client, outbox=client.outbox))
    return RecheckService(session, PointService(session, merge_folder))


def test_recheck_parses_by_the_recorded_kind_not_by_the_path(tmp_path: Path) -> None:
    client = client_over(Cloud(MERGE), tmp_path)
    assert client.outbox is not None
    client.outbox.store.add("k-merge", "POST", "/api/v2/combine", b"{}", Kind.MERGE)
    result = recheck_service(client, tmp_path).recheck("k-merge")
    assert isinstance(result, MergeResult) and result.receipt.amount == 500
    saved = tmp_path / "20171231-00001.mkm2"
    assert result.saved_path == str(saved) and saved.read_bytes() == b"MKM2 linkage bytes"


def test_a_lost_spend_answer_rechecked_is_the_calls_receipt(tmp_path: Path) -> None:
    cloud = Cloud(RECEIPT, lost=1)
    client = client_over(cloud, tmp_path)
    with pytest.raises(OutcomeUnknown) as lost:
        client.spend("token", "00000001", 500, key="k-spend-0001")
    assert client.recorded("k-spend-0001").kind == "spend"  # type: ignore[union-attr]
    result = recheck_service(client, tmp_path).recheck(lost.value.key)
    assert result == Receipt.from_json(RECEIPT)
    assert cloud.paths == ["/api/v1/spend", "/api/v1/spend"]


def test_replay_of_an_answered_call_returns_what_the_call_returned(tmp_path: Path) -> None:
    client = client_over(Cloud(MERGE), tmp_path)
    first = client.merge("token", "00000001", 500, key="k-merge-0001")
    assert client.replay_typed("k-merge-0001") == first


def test_resume_at_start_saves_the_linkage_of_a_pending_merge(tmp_path: Path) -> None:
    client = client_over(Cloud(MERGE), tmp_path)
    assert client.outbox is not None
    client.outbox.store.add("k-merge", "POST", "/api/v1/merges", b"{}", Kind.MERGE)
    client.outbox.store.add("k-spend", "POST", "/api/v1/spend", b"{}", Kind.SPEND)
    resumed = recheck_service(client, tmp_path).resume_pending()
    assert sorted((r.key, r.kind) for r in resumed) == [("k-merge", "merge"), ("k-spend", "spend")]
    assert [p.name for p in tmp_path.glob("*.mkm2")] == ["20171231-00001.mkm2"]


def test_a_version_1_row_of_no_known_call_replays_as_its_json(tmp_path: Path) -> None:
    client = client_over(Cloud(RECEIPT), tmp_path)
    assert client.outbox is not None
    client.outbox.store.add("k-x", "POST", "/api/v1/other", b"{}", None)  # type: ignore[arg-type]
    assert recheck_service(client, tmp_path).recheck("k-x") == RECEIPT
