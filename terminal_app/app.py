"""Composition root of the desktop app: config → core services → Qt window (`main()`).

`mykey-terminal` with no sub-command and `python -m terminal_app.app` start here. Qt itself is
imported only inside terminal_app.ui; this module wires the pieces and owns their lifetime.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence

log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    """Start the GUI; returns the process exit code."""
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    from terminal_app.api import client_version
    from terminal_app.config import load_config
    from terminal_app.services.container import build_services
    from terminal_app.ui.application import build_window, qt_app, run

    qt_app(argv)
    services = build_services(load_config())
    try:
        return run(build_window(services, client_version()))
    finally:
        services.close()


if __name__ == "__main__":
    raise SystemExit(main())
