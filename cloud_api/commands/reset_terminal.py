"""`mykey-cloud reset-terminal ID`: the municipality's reset (new machine, unlock, password)."""
from __future__ import annotations

import argparse

from cloud_api.commands.common import database, run_reporting, settings, setup_logging
from cloud_api.services.terminals import reset_terminal


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("terminal_id", help="端末ID（8桁）")
    parser.add_argument("--new-password", action="store_true",
                        help="新しい端末パスワードを生成して表示する")


def run(args: argparse.Namespace) -> int:
    setup_logging()

    def action() -> str:
        with database(settings()) as session:
            return reset_terminal(session, args.terminal_id, generate=args.new_password) or ""

    password = run_reporting(action)
    if password is None:
        return 1
    print(f"端末 {args.terminal_id} をリセットしました。新しい端末で再登録できます。")
    if password:
        print(f"新しい端末パスワード: {password}")
    return 0
