"""Entry script of the frozen desktop app (PyInstaller): runs `terminal_app.app:main`."""
from __future__ import annotations

import sys

from terminal_app.app import main

if __name__ == "__main__":
    sys.exit(main())
