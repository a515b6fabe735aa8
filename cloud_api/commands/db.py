"""`mykey-cloud init-db`: create or migrate the database (alembic upgrade head)."""
from __future__ import annotations

import argparse

from cloud_api.commands.common import settings, setup_logging
from cloud_api.migrations import upgrade


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--revision", default="head", help="移行先のリビジョン（既定: head）")


def run(args: argparse.Namespace) -> int:
    setup_logging()
    s = settings()
    upgrade(s.effective_database_url, args.revision)
    print("データベースを最新の状態にしました。")
    return 0
