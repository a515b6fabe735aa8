"""`mykey-cloud add-id-business CODE NAME`: register an ID付与事業者 and print its 6-digit ID."""
from __future__ import annotations

import argparse
from typing import Any

from cloud_api.commands.common import database, run_reporting, settings, setup_logging
from cloud_api.models.accounts import LOOKUP_MODES, SYMBOLOGIES
from cloud_api.services.municipalities import register_id_business


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("municipality_code", help="全国地方公共団体コード（6桁）")
    parser.add_argument("name", help="ID付与事業者名（50文字以内）")
    parser.add_argument("--lookup-mode", choices=LOOKUP_MODES, default="number",
                        help="サービスIDの照会方式（既定: number = 番号通知方式）")
    parser.add_argument("--symbology", choices=SYMBOLOGIES, default="code128",
                        help="バーコードの種類（既定: code128）")
    parser.add_argument("--shopping-street", metavar="STREET_NAME",
                        help="商店街の場合、その商店街名")


def run(args: argparse.Namespace) -> int:
    setup_logging()
    data: dict[str, Any] = {"municipality_code": args.municipality_code, "name": args.name,
                            "lookup_mode": args.lookup_mode, "symbology": args.symbology,
                            "street_name": args.shopping_street}

    def action() -> str:
        with database(settings()) as session:
            return register_id_business(session, data).id

    business_id = run_reporting(action)
    if business_id is None:
        return 1
    print(f"ID付与事業者を登録しました: ID付与事業者ID {business_id}")
    return 0
