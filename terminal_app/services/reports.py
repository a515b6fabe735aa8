"""画面87: this terminal's place over a period — count, points, detail rows, CSV download."""
from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from terminal_app.domain import rules
from terminal_app.domain.models import PlaceReport
from terminal_app.services.points import write_atomically
from terminal_app.services.session import CloudSession

log = logging.getLogger(__name__)


class ReportService:
    def __init__(self, session: CloudSession) -> None:
        self.session = session

    def place(self, start: str | date, end: str | date) -> PlaceReport:
        first, last = rules.period(start, end)
        return self.session.client().report_place(first, last)

    def csv(self, start: str | date, end: str | date) -> bytes:
        """The cloud's CSV (UTF-8 with BOM, all rows) as bytes."""
        first, last = rules.period(start, end)
        return self.session.client().report_place_csv(first, last)

    def save_csv(self, start: str | date, end: str | date, target: Path) -> Path:
        """Download the CSV and write it atomically to `target`."""
        data = self.csv(start, end)
        write_atomically(Path(target), data)
        log.info("report CSV saved (%d bytes)", len(data))
        return Path(target)
