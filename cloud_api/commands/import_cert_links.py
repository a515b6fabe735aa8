"""`mykey-cloud import-cert-links FILE.csv`: J-LIS style old→new certificate serial records."""
from __future__ import annotations

import argparse
from pathlib import Path

from cloud_api.commands.common import clock, database, run_reporting, settings, setup_logging
from cloud_api.services.cert_links import import_links, read_links


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="old_serial,new_serial の列を持つCSV")
    parser.add_argument("--serial-base", type=int, choices=(10, 16), default=10,
                        help="発行番号の表記（10進: 既定、16進: 16）")


def run(args: argparse.Namespace) -> int:
    setup_logging()

    def action() -> int:
        links = read_links(args.file, args.serial_base)
        with database(settings()) as session:
            return import_links(session, links, clock().now())

    added = run_reporting(action)
    if added is None:
        return 1
    print(f"証明書の紐付けを {added} 件取り込みました。")
    return 0
