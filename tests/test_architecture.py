"""GIVEN the layering rules (imports flow ui → services → domain/api/outbox/drivers; drivers and
the cloud never import the terminal; thin blueprints) WHEN the sources are scanned THEN they hold.

Imports are read with `ast`, so deferred imports inside functions and `TYPE_CHECKING` blocks
count too. The rules are allow-lists: a new package or top-level module falls under them without
being named here.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QT_PACKAGES = ("PySide6", "shiboken6")
# ui/ may use these driver modules: the keyboard wedge (scanner input), barcode images, and the
# message-catalogue mechanism every package shares (drivers/catalogue.py, no hardware in it).
UI_DRIVER_MODULES = ("drivers.keyboard.wedge", "drivers.barcode", "drivers.catalogue")
ORM_QUERY = re.compile(r"\bselect\(|\.query\(")


def _sources(*parts: str) -> list[Path]:
    out: list[Path] = []
    for part in parts:
        base = ROOT / part
        out.extend(base.rglob("*.py") if base.is_dir() else [base])
    assert out, parts
    return sorted(out)


def _is_our_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.is_dir() or path.with_suffix(".py").is_file()


def _imports(path: Path) -> Iterator[str]:
    """Every module `path` imports: `from pkg import name` is `pkg.name` when that is one of our
    modules, otherwise `pkg`."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                yield sub if _is_our_module(sub) else node.module


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _offenders(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    return sorted({f"{p.relative_to(ROOT)}: {m}" for p in paths for m in _imports(p)
                   if any(_within(m, f) for f in forbidden)})


def test_only_the_terminal_ui_imports_qt() -> None:
    ui = ROOT / "terminal_app" / "ui"
    outside_ui = [p for p in _sources("terminal_app", "drivers", "cloud_api")
                  if ui not in p.parents]
    assert _offenders(outside_ui, QT_PACKAGES) == []
    assert _offenders(_sources("terminal_app/ui"), QT_PACKAGES) != []   # the check sees Qt


def test_drivers_and_cloud_never_import_the_terminal_app() -> None:
    assert _offenders(_sources("drivers", "cloud_api"), ("terminal_app",)) == []


def test_terminal_services_never_import_the_ui() -> None:
    assert _offenders(_sources("terminal_app/services"), ("terminal_app.ui",)) == []


def test_cloud_services_and_models_never_import_flask() -> None:
    assert _offenders(_sources("cloud_api/services", "cloud_api/models"),
                      ("flask", "werkzeug")) == []


def test_cloud_blueprints_and_web_views_leave_queries_to_the_services() -> None:
    offenders = [f"{p.relative_to(ROOT)}:{n}" for p in _sources("cloud_api/api", "cloud_api/web")
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if ORM_QUERY.search(line)]
    assert offenders == []


def test_the_ui_uses_only_the_wedge_barcode_and_catalogue_drivers() -> None:
    used = {m for p in _sources("terminal_app/ui") for m in _imports(p) if _within(m, "drivers")}
    assert {m for m in used if not any(_within(m, a) for a in UI_DRIVER_MODULES)} == set()
    assert "drivers.barcode" in used                              # the check sees the imports
