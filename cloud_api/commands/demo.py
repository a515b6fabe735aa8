"""`mykey-cloud demo-data`: the seed's demo municipalities, terminals and holders (idempotent)."""
from __future__ import annotations

import argparse
from pathlib import Path

from cloud_api.commands.common import clock, database, settings, setup_logging
from cloud_api.migrations import upgrade
from cloud_api.services.demo import load_demo


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--certs-dir", type=Path, default=None,
                        help="利用者証明用電子証明書 <マイキーID>.pem を置いたフォルダ")


def run(args: argparse.Namespace) -> int:
    setup_logging()
    s = settings()
    upgrade(s.effective_database_url)
    with database(s) as session:
        result = load_demo(session, clock(), args.certs_dir)
    print(f"デモデータを投入しました（新規 {result.created} 件、付与 {result.granted} pt、"
          f"証明書 {result.certificates} 件）。")
    return 0
