"""GIVEN the layering rules of docs/architecture WHEN the sources are scanned THEN they hold."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QT = re.compile(r"^\s*(from|import)\s+(PySide6|shiboken6)\b", re.MULTILINE)
TERMINAL = re.compile(r"^\s*(from|import)\s+terminal_app\b", re.MULTILINE)
FLASK = re.compile(r"^\s*(from|import)\s+(flask|werkzeug)\b", re.MULTILINE)


def _sources(*parts: str) -> list[Path]:
    out: list[Path] = []
    for part in parts:
        base = ROOT / part
        if base.exists():
            out.extend(p for p in base.rglob("*.py") if ".venv" not in p.parts)
    return out


def test_drivers_cloud_and_terminal_core_never_import_qt() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in _sources(
        "drivers", "cloud_api", "terminal_app/domain", "terminal_app/services", "terminal_app/api",
        "terminal_app/outbox") if QT.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_drivers_and_cloud_never_import_the_terminal_app() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in _sources("drivers", "cloud_api")
                 if TERMINAL.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_cloud_services_and_models_never_import_flask() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in _sources("cloud_api/services", "cloud_api/models")
                 if FLASK.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
