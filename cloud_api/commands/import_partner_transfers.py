"""`mykey-cloud import-partner-transfers --partner JAL FILE.csv`: a partner's conversion batch."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from sqlalchemy.exc import IntegrityError, OperationalError

from cloud_api.commands.common import clock, database, run_reporting, settings, setup_logging
from cloud_api.messages import message
from cloud_api.services.partner_import import (
    ImportResult,
    find_partner,
    import_transfers,
    read_rows,
)

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--partner", required=True, help="応援ポイント会社名（例: JAL）")
    parser.add_argument("file", type=Path,
                        help="partner_ref,executed_at,mykey_id,amount,destination の列を持つCSV")


def run(args: argparse.Namespace) -> int:
    setup_logging()

    def action() -> ImportResult:
        rows = read_rows(args.file)
        with database(settings()) as session:
            return import_transfers(session, clock(), find_partner(session, args.partner), rows)

    try:
        result = run_reporting(action)
    except IntegrityError:   # another import of the same references committed first
        print(f"エラー: {message('partner_import_concurrent')}", file=sys.stderr)
        return 1
    except OperationalError:   # chosen as a deadlock's victim, or the database went away
        log.warning("partner import rolled back", exc_info=True)
        print(f"エラー: {message('partner_import_interrupted')}", file=sys.stderr)
        return 1
    if result is None:
        return 1
    print(f"応援ポイント移行を {result.applied} 件取り込みました（取込済み {result.repeated} 件）。")
    return 0
