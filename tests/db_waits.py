"""For race tests on PostgreSQL: wait until some session is held waiting on a row lock."""
from __future__ import annotations

import time

from sqlalchemy import create_engine, text


def wait_for_a_lock_wait(db_url: str, timeout_s: float = 30.0) -> None:
    """Return once pg_stat_activity shows a session waiting on a lock; fail after timeout_s."""
    engine = create_engine(db_url)
    try:
        deadline = time.monotonic() + timeout_s
        with engine.connect() as conn:
            while not conn.execute(text("SELECT count(*) FROM pg_stat_activity "
                                        "WHERE wait_event_type = 'Lock'")).scalar():
                assert time.monotonic() < deadline, "no session ever waited on a lock"
                time.sleep(0.02)
    finally:
        engine.dispose()
