"""`mykey-cloud` command line: each sub-command lives in its own module under commands/."""
from __future__ import annotations

import argparse
import importlib
import logging
import sys

from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from cloud_api.errors import transient_code
from cloud_api.messages import message

log = logging.getLogger(__name__)

# name -> (module, help). Each module has `add_arguments(parser)` and `run(args) -> int`.
COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("cloud_api.commands.serve", "本番用WSGIサーバでクラウドを起動する"),
    "init-db": ("cloud_api.commands.db", "データベースを作成・移行する (alembic upgrade head)"),
    "demo-data": ("cloud_api.commands.demo", "デモデータ（川崎市・豊島区・徳島県など）を投入する"),
    "import-terminals": ("cloud_api.commands.import_terminals", "様式I/様式IIの端末一覧を取り込む"),
    "add-municipality": ("cloud_api.commands.add_municipality", "自治体を登録する（全国地方公共団体コード）"),
    "add-id-business": ("cloud_api.commands.add_id_business", "ID付与事業者を登録する"),
    "import-cert-links": ("cloud_api.commands.import_cert_links", "電子証明書の新旧発行番号の紐付けを取り込む"),
    "reset-terminal": ("cloud_api.commands.reset_terminal", "端末の登録をリセットする（再登録・ロック解除）"),
    "console-staff": ("cloud_api.commands.console_staff", "自治体・協力会社の管理画面ログインを登録する"),
    "verify-ledger": ("cloud_api.commands.ledger_cmds", "台帳の不変条件をすべて検査する"),
    "sweep": ("cloud_api.commands.sweep", "有効期限切れのポイントとポイント券を失効処理する"),
    "add-partner": ("cloud_api.commands.add_partner", "応援ポイント会社と交換比率を登録する"),
    "import-partner-transfers": ("cloud_api.commands.import_partner_transfers",
                                 "応援ポイント会社の移行ファイル（CSV）を取り込む"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mykey-cloud", description="自治体ポイント管理クラウド")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(_module=module_name)
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.add_arguments(p)
    args = parser.parse_args(argv)
    module = importlib.import_module(args._module)
    try:
        return int(module.run(args) or 0)
    except DBAPIError as exc:   # the operator gets a sentence; the details go to the log
        log.warning("%s: the database failed (%s)", args.command, type(exc.orig).__name__)
        log.debug("%s: the database failed", args.command, exc_info=True)
        print(f"エラー: {message(database_failure(exc))}", file=sys.stderr)
        return 2


def database_failure(exc: DBAPIError) -> str:
    """The message code for a database error that ended a command."""
    if (code := transient_code(exc)) is not None:
        return code
    if isinstance(exc, (OperationalError, ProgrammingError)):   # no server, no tables
        return "ledger_db_unavailable"
    return "cli_database_failed"


if __name__ == "__main__":
    sys.exit(main())
