"""再確認: replay a request whose outcome is unknown and return its typed result.

The outbox knows the path of each pending key; the same request goes out again with the same
key and bytes, the cloud answers with the first result, and this module turns that answer into
the same dataclass the original call would have returned (writing the merge file again for a
merge, which is harmless: same name, same bytes).
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from terminal_app.api.client import _merge_result
from terminal_app.domain.errors import UserFacingError
from terminal_app.domain.models import (
    Receipt,
    ServiceIdRegistration,
    TerminalInfo,
    VoucherIssue,
    VoucherRedemption,
)
from terminal_app.domain.mykey import MykeyCreated
from terminal_app.outbox.outbox import Resumed
from terminal_app.services.points import PointService
from terminal_app.services.session import CloudSession

log = logging.getLogger(__name__)

FORGET_ANSWERED_AFTER_S = 90 * 24 * 3600   # answered requests are kept 90 days for 再確認
PARSERS: list[tuple[re.Pattern[str], Callable[[Any], Any]]] = [
    (re.compile(r"/api/v1/spend$"), Receipt.from_json),
    (re.compile(r"/api/v1/vouchers$"), VoucherIssue.from_json),
    (re.compile(r"/api/v1/vouchers/[0-9]{12}/reprint$"), VoucherIssue.from_json),
    (re.compile(r"/api/v1/vouchers/[0-9]{12}/redeem$"), VoucherRedemption.from_json),
    (re.compile(r"/api/v1/merges$"), _merge_result),
    (re.compile(r"/api/v1/service-ids$"), ServiceIdRegistration.from_json),
    (re.compile(r"/api/v1/terminal/contact$"), TerminalInfo.from_json),
    (re.compile(r"/api/v1/mykey$"), MykeyCreated.from_json),
]


class RecheckService:
    def __init__(self, session: CloudSession, points: PointService) -> None:
        self.session = session
        self.points = points

    def recheck(self, key: str) -> Any:
        """Replay `key`; the typed result, a CloudError, or OutcomeUnknown again."""
        client = self.session.client()
        entry = self.session.outbox.store.get(key)
        if entry is None and client.secret_outbox is not None:
            entry = client.secret_outbox.store.get(key)
        if entry is None:
            raise UserFacingError("outbox_unknown_key", key=key)
        data = client.replay(key)
        return self._typed(entry.path, data)

    def resume_pending(self) -> list[Resumed]:
        """Re-send what an earlier run left pending (call once at start, in the background)."""
        client = self.session.client()
        self.session.outbox.store.purge_finished(FORGET_ANSWERED_AFTER_S)
        results = self.session.outbox.resume_pending(client.send_raw)
        for item in results:
            log.info("resumed %s: %s", item.path,
                     item.response.status if item.response else "still no answer")
            if item.response is not None and item.response.status < 300 and \
                    item.path.endswith("/merges"):
                self.points.save_linkage(_merge_result(item.response.json()))
        return results

    def _typed(self, path: str, data: Any) -> Any:
        for pattern, parse in PARSERS:
            if pattern.search(path):
                result = parse(data)
                if pattern.pattern.endswith("merges$"):
                    result = self.points.save_linkage(result)
                return result
        return data
