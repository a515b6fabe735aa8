"""`mykey-cloud serve`: the cloud on a production WSGI server.

granian (Rust HTTP core, one Python thread pool per worker process) is the default on Linux:
measured with bench/point_use.py it served the same Flask app with about twice the requests of
gunicorn gthread per CPU and a much shorter tail, so gunicorn was dropped. waitress is the server
where granian does not run (Windows).
"""
from __future__ import annotations

import argparse
import gc
import logging
import os
import sys

from flask import Flask

from cloud_api import create_app, logs

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="待ち受けるアドレス（既定: 127.0.0.1）")
    parser.add_argument("--port", type=int, default=8080, help="待ち受けるポート（既定: 8080）")
    parser.add_argument("--workers", type=int, default=2, help="ワーカープロセス数（既定: 2）")
    parser.add_argument("--threads", type=int, default=None,
                        help=f"ワーカーあたりのスレッド数（既定: PostgreSQL では {THREADS}、"
                             f"SQLite では {SQLITE_THREADS}）")
    parser.add_argument("--server", choices=SERVERS, default=default_server(),
                        help="WSGI サーバ（既定: Linux では granian、それ以外は waitress）")
    parser.add_argument("--log-format", choices=("text", "json"),
                        default=os.environ.get("MYKEY_LOG_FORMAT", "text") or "text",
                        help="ログの形式（既定: MYKEY_LOG_FORMAT または text）")


SERVERS = ("granian", "waitress")


def default_server() -> str:
    return "waitress" if sys.platform == "win32" else "granian"


def default_threads() -> int:
    """SQLite has one writer: beyond two threads they only wait in its busy handler (measured
    with bench/point_use.py: 1 worker × 4 threads p99 460 ms, × 2 threads 92 ms, × 1 thread
    46 ms; two keep a long report download from holding up the counters). On PostgreSQL the
    point uses of a worker's threads share group commits (cloud_api/api/spend_batches.py): a thread
    waiting for its batch costs nothing, and more of them make bigger batches (2 workers × 4
    threads 528/s, × 8 750/s, × 16 836-861/s in the same hour)."""
    from cloud_api.config import Settings

    url = Settings.from_env().effective_database_url
    return SQLITE_THREADS if url.startswith("sqlite") else THREADS


THREADS, SQLITE_THREADS = 16, 2


def serving_app() -> Flask:
    """The app as each worker process serves it: built, then everything built so far (the
    app, its modules, routes, compiled statements: about 140,000 objects) frozen out of the
    garbage collector's reach. Otherwise every full collection walks them all again and stops
    the worker for 70-120 ms (measured with bench/point_use.py: p99 34-75 ms before, 25-50 ms
    after); the objects of requests are collected as before."""
    app = create_app()
    gc.collect()
    gc.freeze()
    return app


def run(args: argparse.Namespace) -> int:
    logs.setup(args.log_format)
    if getattr(args, "threads", None) is None:
        args.threads = default_threads()
    server = getattr(args, "server", default_server())
    if server == "granian":
        return _granian(args)
    return _waitress(args)


def _granian(args: argparse.Namespace) -> int:
    from granian import Granian
    from granian.constants import Interfaces

    # Each worker is a process with its own pool of `threads` Python threads (a request waiting
    # on the database does not hold up the others); the HTTP parsing runs in Rust.
    Granian("cloud_api.commands.serve:serving_app", factory=True, address=args.host, port=args.port,
            interface=Interfaces.WSGI, workers=args.workers, blocking_threads=args.threads,
            backlog=1024, workers_kill_timeout=10,
            **logs.granian_options(args.log_format)).serve()
    return 0


def _waitress(args: argparse.Namespace) -> int:
    import waitress

    waitress.serve(serving_app(), host=args.host, port=args.port, threads=max(4, args.workers * 4))
    return 0
