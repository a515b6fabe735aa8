"""GIVEN the terminal's local helpers WHEN used THEN postal codes resolve from the bundled data,
files are written atomically, printable results map to printer documents, and the outbox is
safe to use from several worker threads."""
from __future__ import annotations

import json
import threading
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from terminal_app.api.transport import HttpResponse
from terminal_app.domain.errors import UserFacingError
from terminal_app.domain.models import (
    IdBusiness,
    Receipt,
    ServiceIdLookup,
    VoucherIssue,
    VoucherRedemption,
)
from terminal_app.outbox import Outbox, OutboxStore
from terminal_app.services.points import write_atomically
from terminal_app.services.postal import PostalService
from terminal_app.services.receipts import ReceiptService, document_for

JST = timezone(timedelta(hours=9))
AT = datetime(2017, 4, 2, 18, 2, 37, tzinfo=JST)


def test_postal_lookup_from_bundled_data() -> None:
    found = PostalService().lookup("２１３", "0001")
    assert (found.prefecture, found.city, found.town) == ("神奈川県", "川崎市高津区", "溝口")
    assert found.address == "神奈川県川崎市高津区溝口"
    assert PostalService().lookup("213-0001").postal_code == "2130001"


@pytest.mark.parametrize("first, second, text", [
    ("21", "0001", "3桁と4桁"), ("000", "0000", "000-0000"),
])
def test_postal_errors(first: str, second: str, text: str) -> None:
    with pytest.raises(UserFacingError, match=text):
        PostalService().lookup(first, second)


def test_atomic_write_replaces_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "file.bin"
    write_atomically(target, b"one")
    write_atomically(target, b"two")
    assert target.read_bytes() == b"two" and [p.name for p in tmp_path.iterdir()] == ["file.bin"]


def test_atomic_write_into_a_missing_folder_is_a_japanese_error(tmp_path: Path) -> None:
    with pytest.raises(UserFacingError, match="保存できませんでした"):
        write_atomically(tmp_path / "missing" / "file.bin", b"x")


RESULTS = [
    Receipt("2017123100001", "00052559", "00000001", "川崎市ポイント", 500, 1230, AT),
    VoucherIssue("987654321012", "2017123100002", "川崎市ポイント", 1000, AT, date(2017, 4, 8),
                 730),
    VoucherRedemption("987654321012", "2017123100003", 1000, "川崎市ポイント", "〇〇果実店", AT),
    ServiceIdLookup(IdBusiness("000001", "川崎市立図書館", "label", "nw7"), "MY123456",
                    "A180000000011A"),
]


@pytest.mark.parametrize("result", RESULTS, ids=lambda r: type(r).__name__)
def test_every_printable_result_has_a_document_and_a_preview(result: object) -> None:
    assert document_for(result) is not None
    image = ReceiptService(None, "tm-t88-kanji").preview(result)
    assert image.width > 100 and image.height > 50


def test_nothing_to_print_for_other_objects() -> None:
    with pytest.raises(TypeError):
        document_for(object())


def test_outbox_from_many_threads(tmp_path: Path) -> None:
    box = Outbox(OutboxStore(tmp_path / "o.sqlite3"), retries=0, sleep=lambda s: None)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(20):
                body = json.dumps({"n": n, "i": i}).encode()
                box.deliver(f"key-{n:02d}-{i:04d}", "POST", "/p", body,
                            lambda m, p, b, k: HttpResponse(201, b), kind="spend")
        except BaseException as exc:  # noqa: BLE001 (collected for the assertion)
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and box.store.pending() == []
    assert box.store.get("key-03-0019").state == "done"  # type: ignore[union-attr]
