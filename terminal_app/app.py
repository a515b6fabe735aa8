"""Composition root of the desktop app: config → logging → core services → Qt window (`main()`).

`mykey-terminal` with no sub-command and `python -m terminal_app.app` start here. Qt itself is
imported only inside terminal_app.ui; this module wires the pieces and owns their lifetime.
Logs go to `<home>/logs/terminal.log` (rotating, secrets masked; see terminal_app.logging_setup).
"""
from __future__ import annotations

import logging
from collections.abc import Sequence

log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    """Start the GUI; returns the process exit code."""
    from terminal_app.api import client_version
    from terminal_app.config import load_config
    from terminal_app.logging_setup import setup_logging
    from terminal_app.services.container import build_services
    from terminal_app.ui.application import build_window, qt_app, run

    config = load_config()
    logs = setup_logging(config.home)
    version = client_version()
    log.info("マイキープラットフォーム等活用ソフト %s starting (home %s)", version, config.home)
    qt_app(argv)
    services = build_services(config)
    try:
        return run(build_window(services, version))
    finally:
        services.close()
        logs.remove()


if __name__ == "__main__":
    raise SystemExit(main())
