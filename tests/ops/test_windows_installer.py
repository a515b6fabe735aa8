"""GIVEN the Windows packaging files WHEN checked here (they can only be built on Windows) THEN
the Inno Setup script parses with its required sections, names and SCardSvr check, and every
path the PyInstaller spec and the installer reference exists in the repository."""
from __future__ import annotations

import ast
import re
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from tests.ops.conftest import ROOT

WINDOWS = ROOT / "installer" / "windows"
ISS = WINDOWS / "mykey-terminal.iss"
SPEC = WINDOWS / "mykey-terminal.spec"
APP_NAME = "マイキープラットフォーム等活用ソフト"


def parse_iss(text: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """(#define name → value, section → its lines) of an Inno Setup script; ';' comments out."""
    defines: dict[str, str] = {}
    sections: dict[str, list[str]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or (line.startswith(";") and current != "Code"):
            continue
        if match := re.fullmatch(r'#define (\w+) "(.*)"', line):
            defines[match.group(1)] = match.group(2)
        elif match := re.fullmatch(r"\[(\w+)\]", line):
            current = match.group(1)
            assert current not in sections, f"section [{current}] twice"
            sections[current] = []
        else:
            assert current is not None, f"line outside any section: {line}"
            sections[current].append(line)
    return defines, sections


def entries(lines: list[str]) -> list[dict[str, str]]:
    """`Name: "x"; Filename: "y"; Flags: a b` lines → dicts."""
    out = []
    for line in lines:
        fields = re.findall(r'(\w+):\s*("[^"]*"|[^;]+)', line)
        out.append({k: v.strip().strip('"') for k, v in fields})
    return out


def expand(value: str, defines: dict[str, str]) -> str:
    return re.sub(r"\{#(\w+)\}", lambda m: defines[m.group(1)], value)


def repo_path(value: str) -> Path:
    """A path written relative to the .iss folder with backslashes, in the repository."""
    return (WINDOWS / value.replace("\\", "/")).resolve()


@pytest.fixture(scope="module")
def iss() -> tuple[dict[str, str], dict[str, list[str]]]:
    raw = ISS.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Inno Setup 6 needs a UTF-8 BOM for Japanese text"
    return parse_iss(raw.decode("utf-8-sig"))


class _Recorder:
    """Stands in for PyInstaller's spec globals and records what the spec passes them."""

    def __init__(self, kind: str, calls: dict[str, Any]) -> None:
        self.kind, self.calls = kind, calls

    def __call__(self, *args: Any, **kwargs: Any) -> types.SimpleNamespace:
        self.calls[self.kind] = (args, kwargs)
        return types.SimpleNamespace(pure=[], scripts=[], binaries=[], datas=[])


@pytest.fixture(scope="module")
def spec_calls() -> dict[str, Any]:
    calls: dict[str, Any] = {}
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_data_files = lambda package: []  # type: ignore[attr-defined]
    hooks.collect_submodules = lambda package: [package]  # type: ignore[attr-defined]
    stubs = {"PyInstaller": types.ModuleType("PyInstaller"),
             "PyInstaller.utils": types.ModuleType("PyInstaller.utils"),
             "PyInstaller.utils.hooks": hooks}
    spec_globals = {"SPECPATH": str(WINDOWS), "__name__": "__main__",
                    **{k: _Recorder(k, calls) for k in ("Analysis", "PYZ", "EXE", "COLLECT")}}
    saved = {name: sys.modules.get(name) for name in stubs}
    sys.modules.update(stubs)
    try:
        code = compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec")
        exec(code, spec_globals)  # noqa: S102 - our own spec, run with PyInstaller stand-ins
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    calls["NAME"] = spec_globals["NAME"]
    return calls


def test_given_the_iss_when_parsed_then_the_required_sections_exist(iss):
    _defines, sections = iss
    assert {"Setup", "Languages", "Files", "Icons", "Run", "UninstallDelete", "Code"} <= set(
        sections)


def test_given_the_setup_section_then_it_is_a_per_machine_japanese_install(iss):
    defines, sections = iss
    setup = dict(line.split("=", 1) for line in sections["Setup"])
    assert defines["AppName"] == APP_NAME and setup["AppName"] == "{#AppName}"
    assert setup["PrivilegesRequired"] == "admin" and setup["DefaultDirName"].startswith("{autopf}")
    assert re.fullmatch(r"\{\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", setup["AppId"])
    assert repo_path(setup["SetupIconFile"]) == ROOT / "resources" / "icons" / "mykey.ico"
    assert repo_path(setup["SetupIconFile"]).exists()
    assert "Japanese.isl" in sections["Languages"][0]


def test_given_the_icons_then_desktop_and_start_menu_start_the_frozen_exe(iss, spec_calls):
    defines, sections = iss
    icons = [{k: expand(v, defines) for k, v in e.items()} for e in entries(sections["Icons"])]
    assert {i["Name"] for i in icons} == {f"{{autoprograms}}\\{APP_NAME}",
                                         f"{{autodesktop}}\\{APP_NAME}"}
    assert {i["Filename"] for i in icons} == {f"{{app}}\\{spec_calls['NAME']}.exe"}


def test_given_the_files_section_then_it_packs_the_pyinstaller_output_folder(iss, spec_calls):
    defines, sections = iss
    (files,) = entries(sections["Files"])
    source = expand(files["Source"], defines)
    assert repo_path(source).parent == ROOT / "dist" / spec_calls["NAME"]
    assert "recursesubdirs" in files["Flags"] and files["DestDir"] == "{app}"


def test_given_uninstall_then_the_whole_program_folder_is_removed(iss):
    _defines, sections = iss
    assert {"Type": "filesandordirs", "Name": "{app}"} in entries(sections["UninstallDelete"])


def test_given_the_code_section_then_it_checks_the_smart_card_service_and_warns(iss):
    _defines, sections = iss
    code = "\n".join(sections["Code"])
    assert r"SYSTEM\CurrentControlSet\Services\SCardSvr" in code
    assert "function InitializeSetup(): Boolean;" in code and "Result := True;" in code
    assert code.count("SuppressibleMsgBox(") == 2 and "スマートカード サービス" in code
    words = re.findall(r"\b(begin|end)\b", re.sub(r"\{[^}]*\}|'[^']*'", "", code))
    assert words.count("begin") == words.count("end")


def test_given_the_spec_then_it_is_a_one_folder_gui_build_of_terminal_app_main(spec_calls):
    (scripts,), analysis = spec_calls["Analysis"]
    (script,) = scripts
    assert Path(script) == WINDOWS / "mykey_terminal.py"
    tree = ast.parse(Path(script).read_text(encoding="utf-8"))
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert any(n.module == "terminal_app.app" and n.names[0].name == "main" for n in imports)
    app = ast.parse((ROOT / "terminal_app" / "app.py").read_text(encoding="utf-8"))
    assert any(isinstance(n, ast.FunctionDef) and n.name == "main" for n in app.body)
    _args, exe = spec_calls["EXE"]
    assert exe["exclude_binaries"] is True and exe["console"] is False
    assert Path(exe["icon"]) == ROOT / "resources" / "icons" / "mykey.ico"
    assert "COLLECT" in spec_calls and "cloud_api" in analysis["excludes"]


def test_given_the_spec_data_then_every_bundled_folder_exists(spec_calls):
    _args, analysis = spec_calls["Analysis"]
    bundled = {dest: Path(src) for src, dest in analysis["datas"]}
    assert set(bundled) >= {"resources/icons", "resources/printers"}
    assert all(src.is_dir() and any(src.iterdir()) for src in bundled.values())


def test_given_the_build_script_then_it_names_the_files_that_exist():
    script = (WINDOWS / "build.ps1").read_text(encoding="utf-8")
    for name in re.findall(r"installer\\[\w\\.-]+\.(?:spec|iss|py)", script):
        assert (ROOT / name.replace("\\", "/")).exists(), name
