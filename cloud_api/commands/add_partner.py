"""`mykey-cloud add-partner NAME --rate 200:1000 --unit マイル`: register a partner company."""
from __future__ import annotations

import argparse

from cloud_api.commands.common import database, run_reporting, settings, setup_logging
from cloud_api.services.partners import register_partner


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="応援ポイント会社名（管理画面ログインの会社名と同じ、50文字以内）")
    parser.add_argument("--rate", required=True,
                        help="交換比率 会社ポイント:応援ポイント（例: 200:1000）")
    parser.add_argument("--unit", required=True, help="会社ポイントの単位（例: マイル）")


def run(args: argparse.Namespace) -> int:
    setup_logging()

    def action() -> str:
        with database(settings()) as session:
            p = register_partner(session, args.name, args.rate, args.unit)
            return f"{p.name}（{p.partner_points:,}{p.unit} = {p.support_points:,}ポイント）"

    shown = run_reporting(action)
    if shown is None:
        return 1
    print(f"応援ポイント会社を登録しました: {shown}")
    return 0
