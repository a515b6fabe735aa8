"""`mykey-cloud sweep`: expire lots past their last day, lapse expired vouchers, forget old
request nonces and idempotency records, and delete past days' 取引済番号 counters (daily job)."""
from __future__ import annotations

import argparse
import logging
import sys

from sqlalchemy.exc import DBAPIError

from cloud_api.clock import Clock
from cloud_api.config import Settings
from cloud_api.db import make_engine, make_session_factory, unit_of_work
from cloud_api.messages import message
from cloud_api.services.ledger.sweep import sweep
from cloud_api.services.terminal_auth import purge_nonces

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", default="", help="既定: DATABASE_URL またはデータフォルダのSQLite")


def run(args: argparse.Namespace, clock: Clock | None = None) -> int:
    settings = Settings.from_env(**({"database_url": args.database_url} if args.database_url else {}))
    engine = make_engine(settings.effective_database_url)
    clock = clock or Clock()
    try:
        sessions = make_session_factory(engine)
        result = sweep(sessions, clock)
        with unit_of_work(sessions) as session:
            purge_nonces(session, clock.now(), settings.signature_window_s)
    except DBAPIError:
        log.warning("sweep could not use the database", exc_info=True)
        print(message("ledger_db_unavailable"), file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"失効処理: 口座 {result.expired_accounts} 件 / {result.expired_points} ポイント、"
          f"ポイント券 {result.lapsed_vouchers} 枚 / {result.lapsed_points} ポイント")
    return 0
