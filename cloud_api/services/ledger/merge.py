"""Shopping-street merge (画面37-39): debit the holder, record the merge, build the linkage file.

The street is the ID-granting business of the calling terminal; the customer ID is the holder's
service ID at that business (resolved by the caller). Points go to the point's merge-clearing
account; the street's own system adds them from the linkage file.
"""
from __future__ import annotations

import base64
import logging
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.orm import Session

from cloud_api.clock import Clock
from cloud_api.models.ledger import MERGE_CLEARING, Merge
from cloud_api.services import merge_file
from cloud_api.services.ledger.accounts import system_account
from cloud_api.services.ledger.debit import debit_holder
from cloud_api.services.ledger.journal import TxnHeader
from cloud_api.services.ledger.refs import PointLike, Receipt, TerminalLike, to_jst

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Street:
    """The shopping street (ID business) and the holder's customer ID there."""

    id_business_id: str
    name: str
    customer_id: str


@dataclass(frozen=True)
class Linkage:
    version: str
    filename: str
    content: bytes

    def to_json(self) -> dict[str, str]:
        return {"format": self.version, "filename": self.filename,
                "content_b64": base64.b64encode(self.content).decode("ascii")}


@dataclass(frozen=True)
class Merged:
    receipt: Receipt
    street: Street
    linkage: Linkage

    def to_json(self) -> dict[str, object]:
        return {**self.receipt.to_json(), "street_name": self.street.name,
                "customer_id": self.street.customer_id, "linkage": self.linkage.to_json()}


def merge(session: Session, *, clock: Clock, terminal: TerminalLike, point: PointLike,
          holder_id: int, mykey_id: str, amount: int, street: Street, keys: tuple[bytes, str],
          version: str = "v2") -> Merged:
    """Move `amount` points to the street and return the encrypted linkage file."""
    now = clock.now()
    clearing = system_account(session, MERGE_CLEARING, point.point_id)
    header = TxnHeader(kind="merge", scope=terminal.terminal_id, point_id=point.point_id,
                       amount=amount, executed_at=now, holder_id=holder_id, mykey_id=mykey_id,
                       terminal_id=terminal.terminal_id, place=terminal.place,
                       municipality_code=terminal.municipality_code)
    done = debit_holder(session, header, clearing)
    key = merge_file.transfer_key(f"{to_jst(now):%Y%m%d%H%M%S}", terminal.terminal_id,
                                  done.posted.txn_no)
    session.execute(insert(Merge).values(
        txn_id=done.posted.txn_id, id_business_id=street.id_business_id, street_name=street.name,
        customer_id=street.customer_id, amount=amount, transfer_key=key))
    record = merge_file.MergeRecord(street.customer_id, amount, key)
    linkage = Linkage(version, merge_file.file_name(record, version),
                      merge_file.encode(record, version, *keys))
    log.info("merge %s/%s: %d pt to street %s", terminal.terminal_id, done.posted.txn_no, amount,
             street.id_business_id)
    receipt = Receipt(done.posted.txn_id, done.posted.txn_no, terminal.terminal_id,
                      point.point_id, point.name, amount, done.usable_after, now)
    return Merged(receipt, street, linkage)
