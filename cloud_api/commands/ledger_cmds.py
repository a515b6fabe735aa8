"""`mykey-cloud verify-ledger`: check every ledger invariant.

Exit 0: clean; 1: violations (each printed as [code] Japanese message + detail); 2: the database
cannot be read.
"""
from __future__ import annotations

import argparse
import logging
import sys

from sqlalchemy.exc import DBAPIError

from cloud_api.config import Settings
from cloud_api.db import make_engine
from cloud_api.messages import message
from cloud_api.services.ledger.verify import verify_snapshot

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", default="", help="既定: DATABASE_URL またはデータフォルダのSQLite")


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env(**({"database_url": args.database_url} if args.database_url else {}))
    engine = make_engine(settings.effective_database_url)
    try:
        violations = verify_snapshot(engine)
    except DBAPIError:
        log.warning("verify-ledger could not read the database", exc_info=True)
        print(message("ledger_db_unavailable"), file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    for v in violations:
        print(str(v))
    if violations:
        print(f"違反 {len(violations)} 件")
        return 1
    print(message("ledger_ok"))
    return 0
