"""`mykey-cloud console-staff`: add a web-console staff login (the ministry distributes these).

    mykey-cloud console-staff LOGIN_ID --municipality 141305 --name "川崎市 企画課" [--password-stdin]
    mykey-cloud console-staff LOGIN_ID --partner JAL --name "日本航空" [--password-stdin]

Without --password-stdin a strong password is generated and printed once; it is never logged.
`--unlock LOGIN_ID` clears the lockout after repeated failures.
"""
from __future__ import annotations

import argparse
import sys

from sqlalchemy import select

from cloud_api.commands.common import clock, database, settings, setup_logging
from cloud_api.models.console import ConsoleUser
from cloud_api.services.console.login import create_staff
from cloud_api.services.passwords import generate_password
from cloud_api.services.validation import is_municipality_code


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("login_id", help="ログインID（英数字 4〜32 文字）")
    owner = parser.add_mutually_exclusive_group()
    owner.add_argument("--municipality", help="自治体の全国地方公共団体コード（6桁）")
    owner.add_argument("--partner", help="協力会社名（応援ポイント移行集計を見る）")
    parser.add_argument("--name", default="", help="表示名")
    parser.add_argument("--password-stdin", action="store_true", help="パスワードを標準入力から読む")
    parser.add_argument("--unlock", action="store_true", help="ロックを解除する")


def run(args: argparse.Namespace) -> int:
    setup_logging()
    if not (4 <= len(args.login_id) <= 32 and args.login_id.isascii() and args.login_id.isalnum()):
        print("エラー: ログインIDは英数字4〜32文字で入力してください。", file=sys.stderr)
        return 1
    if args.unlock:
        return _unlock(args.login_id)
    if not (args.municipality or args.partner):
        print("エラー: --municipality または --partner を指定してください。", file=sys.stderr)
        return 1
    if args.municipality and not is_municipality_code(args.municipality):
        print("エラー: 全国地方公共団体コードが正しくありません。", file=sys.stderr)
        return 1
    password = sys.stdin.readline().strip() if args.password_stdin else generate_password()
    if len(password) < 8:
        print("エラー: パスワードは8文字以上にしてください。", file=sys.stderr)
        return 1
    with database(settings()) as session:
        if session.scalar(select(ConsoleUser).where(ConsoleUser.login_id == args.login_id)):
            print(f"エラー: ログインID {args.login_id} は既に登録されています。", file=sys.stderr)
            return 1
        create_staff(session, login_id=args.login_id, password=password,
                     role="municipality" if args.municipality else "partner",
                     display_name=args.name or args.login_id, now=clock().now(),
                     municipality_code=args.municipality, partner_name=args.partner)
    print(f"ログインID {args.login_id} を登録しました。")
    if not args.password_stdin:
        print(f"パスワード: {password}")
    return 0


def _unlock(login_id: str) -> int:
    with database(settings()) as session:
        user = session.scalar(select(ConsoleUser).where(ConsoleUser.login_id == login_id))
        if user is None:
            print(f"エラー: ログインID {login_id} は登録されていません。", file=sys.stderr)
            return 1
        user.locked, user.failed_attempts = False, 0
    print(f"ログインID {login_id} のロックを解除しました。")
    return 0
