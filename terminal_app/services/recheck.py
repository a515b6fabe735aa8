"""再確認: replay a request whose outcome is unknown and return its typed result.

The outbox records each pending key with its operation kind; the same request goes out again with
the same key and bytes, the cloud answers with the first result, and the client turns that answer
into the same dataclass the original call would have returned (`CloudClient.replay_typed`). A
merge writes its linkage file again, which is harmless: same name, same bytes.
"""
from __future__ import annotations

import logging
from typing import Any

from terminal_app.api.client import Kind
from terminal_app.domain.errors import UserFacingError
from terminal_app.outbox.outbox import Resumed
from terminal_app.services.points import PointService
from terminal_app.services.session import CloudSession

log = logging.getLogger(__name__)

FORGET_ANSWERED_AFTER_S = 90 * 24 * 3600   # answered requests are kept 90 days for 再確認


class RecheckService:
    def __init__(self, session: CloudSession, points: PointService) -> None:
        self.session = session
        self.points = points

    def recheck(self, key: str) -> Any:
        """Replay `key`; the typed result, a CloudError, or OutcomeUnknown again."""
        client = self.session.client()
        entry = client.recorded(key)
        if entry is None:
            raise UserFacingError("outbox_unknown_key", key=key)
        result = client.replay_typed(key)
        if entry.kind == Kind.MERGE:
            result = self.points.save_linkage(result)
        return result

    def resume_pending(self) -> list[Resumed]:
        """Re-send what an earlier run left pending (call once at start, in the background)."""
        client = self.session.client()
        self.session.outbox.store.purge_finished(FORGET_ANSWERED_AFTER_S)
        results = self.session.outbox.resume_pending(client.send_raw)
        for item in results:
            log.info("resumed %s (%s): %s", item.path, item.kind,
                     item.response.status if item.response else "still no answer")
            if item.response is not None and item.response.status < 300 and \
                    item.kind == Kind.MERGE:
                self.points.save_linkage(client.typed(Kind.MERGE, item.response.json()))
        return results
