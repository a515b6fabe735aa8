"""`mykey-cloud import-terminals FILE`: load 様式II, or make 様式II from 様式I with --generate."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from cloud_api.commands.common import database, run_reporting, settings, setup_logging
from cloud_api.services import terminal_import


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="様式I/様式IIのファイル（.csv または .xlsx）")
    parser.add_argument("--municipality", help="全国地方公共団体コード（ファイルに無い場合）")
    parser.add_argument("--generate", action="store_true",
                        help="端末IDと端末パスワードの無い行（様式I）に生成して取り込む")
    parser.add_argument("--out", type=Path, help="--generate の結果を様式IIとして書き出すファイル")


def run(args: argparse.Namespace) -> int:
    setup_logging()
    if args.generate and args.out is None:
        print("エラー: --generate には --out（様式IIの出力先）が必要です。")
        return 2
    result = run_reporting(lambda: _import(args))
    if result is None:
        return 1
    print(f"取り込みました: 新規 {len(result.created)} 台、更新 {len(result.updated)} 台、"
          f"廃止 {len(result.retired)} 台、生成 {len(result.generated)} 台")
    return 0


def _import(args: argparse.Namespace) -> terminal_import.ImportResult:
    table, parsed = terminal_import.load(args.file, args.municipality)
    tmp = args.out.with_name(f".{args.out.stem}.part{args.out.suffix}") if args.out else None
    try:
        with database(settings()) as session:
            result = terminal_import.apply(session, parsed, generate=args.generate)
            if tmp is not None:   # written before the commit: no password is ever lost
                terminal_import.write_form_ii(table, parsed, tmp)
        if tmp is not None:
            os.replace(tmp, args.out)
        return result
    finally:
        if tmp is not None and tmp.exists():
            tmp.unlink()
