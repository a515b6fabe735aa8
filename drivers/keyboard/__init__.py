"""Keyboard driver: wedge input from scanners/point-card readers, keystroke output for ID自動引渡し.

Qt-free. Two halves:

* `WedgeDetector` (wedge.py) — feed it keystrokes with their timestamps; it returns a
  `ScanResult` when a fast burst ends with Enter, and leaves human typing alone.
* `open_keystroke_sender(spec)` (sender.py) — types a service ID (and Enter/Tab) into the field
  that has focus in the linked library/POS system: X11 XTest (x11.py), Windows SendInput
  (win32.py), or a clipboard paste on either; `return_focus_from` first re-activates the window
  that was active before ours (x11_focus.py; Windows z-order), i.e. the linked system.

Recipe for the UI team (the only Qt code involved; put it in terminal_app/ui)::

    # names used: QEvent, QObject, Qt, Signal (PySide6.QtCore); WedgeConfig, WedgeDetector

    class WedgeFilter(QObject):
        scanned = Signal(object)                      # ScanResult

        def __init__(self, detector: WedgeDetector) -> None:
            super().__init__()
            self.detector = detector

        def eventFilter(self, obj, event):            # noqa: N802 (Qt name)
            if event.type() != QEvent.Type.KeyPress or event.isAutoRepeat():
                return False
            t_s = event.timestamp() / 1000.0          # the event's own time, not "now"
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                scan = self.detector.feed_enter(t_s)
                if scan is not None:
                    self.scanned.emit(scan)           # scan.raw is already in the field:
                    return True                       # the slot may remove it; Enter is eaten
            elif event.text():
                self.detector.feed(event.text(), t_s)
            return False                              # human typing passes through

    wedge = WedgeFilter(WedgeDetector(WedgeConfig(max_gap_s=0.05, min_length=8)))
    QApplication.instance().installEventFilter(wedge)

Keystroke output (call it from a worker thread, after the service ID is known)::

    own = int(main_window.winId())                # read in the GUI thread, pass it along
    try:
        with open_keystroke_sender(config.keystroke_spec) as sender:   # "auto" by default
            # the clerk clicked 照会 in OUR window: give the focus back to the linked system
            sender.type_text(service_id, terminator="enter", return_focus_from=own)
    except (KeystrokeUnavailable, KeystrokeInputError) as exc:
        show_error(str(exc))                      # Japanese; fall back to 番号通知方式
"""
from __future__ import annotations

from drivers.keyboard.base import KeystrokeInputError, KeystrokeUnavailable
from drivers.keyboard.sender import KeystrokeSender, open_keystroke_sender
from drivers.keyboard.wedge import ScanResult, WedgeConfig, WedgeDetector

__all__ = [
    "KeystrokeInputError",
    "KeystrokeSender",
    "KeystrokeUnavailable",
    "ScanResult",
    "WedgeConfig",
    "WedgeDetector",
    "open_keystroke_sender",
]
