"""The Qt application object: created once, themed, with the keyboard-wedge filter installed."""
from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication

from drivers.keyboard.wedge import WedgeConfig
from terminal_app.ui import theme
from terminal_app.ui.context import UiContext
from terminal_app.ui.main_window import MainWindow, WatchedJobs
from terminal_app.ui.strings import APP_TITLE
from terminal_app.ui.wedge import WedgeFilter

if TYPE_CHECKING:
    from terminal_app.config import TerminalConfig
    from terminal_app.services.container import Services

log = logging.getLogger(__name__)


def qt_app(argv: Sequence[str] | None = None) -> QApplication:
    """The process's QApplication (created on first call) with the font and style applied."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(list(argv or sys.argv[:1]))
        app.setApplicationName(APP_TITLE)
        theme.apply(app)
        _install_qt_translation(app)
    return app


def _install_qt_translation(app: QApplication) -> None:
    """Qt's own texts (OK, キャンセル, 詳細を表示…) in Japanese, the language of the UI."""
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale(QLocale.Language.Japanese), "qtbase", "_", folder):
        app.installTranslator(translator)
    else:
        log.info("Qt's Japanese translation not found in %s", folder)


def wedge_config(config: TerminalConfig) -> WedgeConfig:
    return WedgeConfig(max_gap_s=config.wedge_max_gap_ms / 1000.0,
                       min_length=config.wedge_min_length, prefix=config.wedge_prefix,
                       suffix=config.wedge_suffix)


def install_wedge(app: QApplication, window: MainWindow, config: TerminalConfig) -> WedgeFilter:
    """Feed every key press to the wedge detector; completed scans go to the current screen."""
    def deliver(text: str) -> None:
        handler = getattr(window.current, "scanned", None)
        if handler is not None:
            handler(text)

    wedge = WedgeFilter(wedge_config(config), deliver, parent=window)
    app.installEventFilter(wedge)
    return wedge


def build_window(services: Services, version: str, *, wedge: bool = True) -> MainWindow:
    """The main window over the core's `services` (not shown yet; navigate("start") to begin)."""
    app = qt_app()
    window = MainWindow(UiContext(services, WatchedJobs()), version)
    if wedge:
        install_wedge(app, window, services.config)
    return window


def run(window: MainWindow) -> int:
    """Show `window` on its start screen and run the event loop until it closes (or until
    SIGINT/SIGTERM, so that the demo and a service manager can stop it cleanly)."""
    app = qt_app()
    _quit_on_signals(app)   # first: a stop right after the first screen must not kill it
    window.show()
    window.navigate("start")
    return int(app.exec())


def _quit_on_signals(app: QApplication) -> None:
    import signal

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: app.quit())
    ticker = QTimer(app)          # lets the interpreter run signal handlers during exec()
    ticker.timeout.connect(lambda: None)
    ticker.start(200)


def wait_until(predicate: Callable[[], bool], timeout_s: float = 30.0) -> bool:
    """Run the event loop until `predicate()` holds (scripts: screenshots, benchmarks).

    A real QEventLoop sleeps in the OS between events, so worker threads get the interpreter
    and their results arrive; returns False on timeout."""
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: loop.quit() if predicate() else None)
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    if predicate():
        return True
    timer.start()
    deadline.start(int(timeout_s * 1000))
    loop.exec()
    timer.stop()
    return predicate()
