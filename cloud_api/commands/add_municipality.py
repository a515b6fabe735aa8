"""`mykey-cloud add-municipality CODE NAME PREFECTURE`: register a municipality (ministry)."""
from __future__ import annotations

import argparse

from cloud_api.commands.common import database, run_reporting, settings, setup_logging
from cloud_api.services.municipalities import register_municipality


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", help="全国地方公共団体コード（6桁、検査数字付き）")
    parser.add_argument("name", help="自治体名（50文字以内）")
    parser.add_argument("prefecture", help="都道府県名（例: 神奈川県）")


def run(args: argparse.Namespace) -> int:
    setup_logging()

    def action() -> str:
        with database(settings()) as session:
            row = register_municipality(session, {"code": args.code, "name": args.name,
                                                  "prefecture": args.prefecture})
            return f"{row.code} {row.name}"

    done = run_reporting(action)
    if done is None:
        return 1
    print(f"自治体を登録しました: {done}")
    return 0
