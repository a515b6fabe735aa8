"""Point use (画面29-31) and shopping-street merge (画面37-39).

Amounts are checked against the balance the card read showed; the cloud checks again under
its own lock. The merge's linkage file is written into the configured merge folder atomically
(temporary file in the same folder, fsync, rename), so the shopping-street software never sees
half a file.
"""
from __future__ import annotations

import logging
import os
import re
import tempfile
from dataclasses import replace
from pathlib import Path

from terminal_app.domain import rules
from terminal_app.domain.errors import UserFacingError
from terminal_app.domain.models import Balance, CardRead, MergeResult, Receipt
from terminal_app.services.session import CloudSession

log = logging.getLogger(__name__)

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


def usable_balance(card: CardRead, point_id: str) -> Balance:
    balance = card.balance_of(point_id)
    if balance is None:
        raise UserFacingError("point_unknown")
    return balance


class PointService:
    """Spend and merge for the card holder of a CardRead."""

    def __init__(self, session: CloudSession, merge_folder: Path) -> None:
        self.session = session
        self.merge_folder = merge_folder

    def spend(self, card: CardRead, point_id: str, amount: int | str, *,
              key: str | None = None) -> Receipt:
        """利用: deduct `amount` points; retried safely under `key` (OutcomeUnknown if no answer)."""
        points = rules.amount(amount, usable_balance(card, point_id).balance)
        receipt = self.session.client().spend(card.card_token, point_id, points,
                                              key=rules.idempotency_key(key))
        log.info("spent %d points, txn %s", receipt.amount, receipt.txn_no)
        return receipt

    def merge(self, card: CardRead, point_id: str, amount: int | str, *,
              key: str | None = None) -> MergeResult:
        """合算: move points to the shopping street and write the linkage file."""
        points = rules.amount(amount, usable_balance(card, point_id).balance)
        self.check_merge_folder()
        result = self.session.client().merge(card.card_token, point_id, points,
                                             key=rules.idempotency_key(key))
        return self.save_linkage(result)

    def check_merge_folder(self) -> None:
        if not self.merge_folder.is_dir():
            raise UserFacingError("merge_folder_missing", path=str(self.merge_folder))

    def save_linkage(self, result: MergeResult) -> MergeResult:
        """Write the linkage file (idempotent: the same file name is simply replaced)."""
        name = result.linkage.filename
        if not SAFE_NAME.match(name) or name.startswith("."):
            raise UserFacingError("merge_file_invalid")
        target = self.merge_folder / name
        write_atomically(target, result.linkage.content, "merge_file_write_failed")
        log.info("merge linkage written: %s (%d bytes)", name, len(result.linkage.content))
        return replace(result, saved_path=str(target))


def write_atomically(target: Path, content: bytes, error_code: str = "file_write_failed") -> None:
    """Temporary file in the target's folder, fsync, then rename over the target."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=str(target.parent))
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise UserFacingError(error_code, path=str(target)) from exc
