"""Offline safety for mutating requests: written to a local SQLite before sending, retried with
the same idempotency key and body until the cloud answers (see outbox.Outbox)."""
from terminal_app.outbox.outbox import Outbox
from terminal_app.outbox.store import OutboxEntry, OutboxStore

__all__ = ["Outbox", "OutboxEntry", "OutboxStore"]
