"""What the `mykey-cloud` sub-commands share: settings, the database, error printing."""
from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy.orm import Session

from cloud_api.clock import Clock
from cloud_api.config import Settings
from cloud_api.db import make_engine, make_session_factory, unit_of_work
from cloud_api.errors import ApiError

T = TypeVar("T")


def settings() -> Settings:
    s = Settings.from_env()
    s.data_dir.mkdir(parents=True, exist_ok=True)
    return s


@contextmanager
def database(s: Settings | None = None) -> Iterator[Session]:
    """One transaction on the configured database (committed on success)."""
    engine = make_engine((s or settings()).effective_database_url)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def run_reporting(action: Callable[[], T]) -> T | None:
    """Run; a user-facing error is printed in Japanese to stderr (None), anything else raises."""
    try:
        return action()
    except ApiError as exc:
        print(f"エラー: {exc.detail}", file=sys.stderr)
        return None


def setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")


def clock() -> Clock:
    return Clock()
