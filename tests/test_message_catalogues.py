"""GIVEN every message catalogue of the project (drivers, terminal, cloud) WHEN each entry is
formatted, looked up by the code its callers use, or missing THEN the one policy of
drivers.catalogue holds: texts format, unknown codes are logged and shown as themselves, and no two
catalogues disagree about a code or repeat a sentence unless the exception is written down here.
"""
from __future__ import annotations

import ast
import importlib
import logging
import string
from collections import defaultdict
from collections.abc import Callable
from itertools import combinations
from pathlib import Path

import pytest

from drivers.catalogue import Catalogue, placeholders

ROOT = Path(__file__).resolve().parent.parent

# module -> its catalogue; the lookup its call sites import is `message` (`tr` in the Qt screens)
CATALOGUES = {
    "drivers.card.messages": "drivers",
    "drivers.keyboard.messages": "drivers",
    "drivers.printer.messages": "drivers",
    "drivers.fingerprint": "drivers",
    "terminal_app.messages": "terminal",
    "terminal_app.ui.strings": "terminal",
    "terminal_app.ui.grant.strings": "terminal",
    "terminal_app.diagnostics": "terminal",
    "cloud_api.messages": "cloud",
}
LOOKUPS = ("message", "tr")

# Tables that deliberately do not use drivers.catalogue:
#  terminal_app/merge_receive.py — the reference receiver a shopping-street vendor copies alone,
#  so it depends on nothing but `cryptography` (its docstring says so).
STANDALONE = {"terminal_app/merge_receive.py"}

# The same code with different texts in two catalogues, on purpose.
SAME_CODE_DIFFERENT_TEXT = {
    # the terminal says it to the clerk at the counter in its own words (with what to do next)
    # where the cloud's answer is addressed to any client; the terminal never imports the cloud
    ("cloud_api.messages", "terminal_app.messages", "mykey_id_taken"),
    ("cloud_api.messages", "terminal_app.messages", "mykey_generation_exhausted"),
    ("cloud_api.messages", "terminal_app.messages", "internal_error"),
    # two drivers, two devices: the keyboard's keystrokes and the printer's bytes
    ("drivers.keyboard.messages", "drivers.printer.messages", "send_failed"),
}

# Sentences repeated across catalogues that cannot share an entry without an import the layering
# forbids: the terminal (terminal_app + drivers) and the cloud (cloud_api + drivers) are separate
# programs, neither imports the other, and drivers/ holds no terminal or cloud texts. Repeats
# inside one side are not allowed: one module uses the other's entry instead.
SIDES = {"drivers": {"terminal", "cloud"}, "terminal": {"terminal"}, "cloud": {"cloud"}}


def catalogue_of(module: str) -> Catalogue:
    found = importlib.import_module(module).CATALOGUE
    assert isinstance(found, Catalogue), module
    return found


def dummy(text: str) -> dict[str, object]:
    """A value for each {placeholder} of `text` that its format spec accepts."""
    values: dict[str, object] = {}
    for _, name, spec, _ in string.Formatter().parse(text):
        if name is not None:
            values[name.split(".")[0].split("[")[0]] = "x" if (spec or "").endswith("s") else 7
    return values


ENTRIES = [(module, code) for module in CATALOGUES for code in catalogue_of(module)]


@pytest.mark.parametrize(("module", "code"), ENTRIES, ids=[f"{m}:{c}" for m, c in ENTRIES])
def test_every_entry_formats_with_its_placeholders(module: str, code: str,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    """GIVEN an entry WHEN it is formatted with a dummy value per placeholder THEN it neither
    raises nor logs, and the clerk sees text, not the code or a leftover {placeholder}."""
    catalogue = catalogue_of(module)
    text = catalogue.message(code, **dummy(catalogue.source[code]))
    assert text != code and "{" not in text   # "" is a text too: g73's check-box column has no heading
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_every_catalogue_in_the_tree_is_checked_here() -> None:
    """GIVEN the sources WHEN a module builds a Catalogue THEN it is listed in CATALOGUES, and no
    module keeps a hand-made MESSAGES table outside the mechanism unless it is STANDALONE."""
    building, hand_made = set(), set()
    for path in sources():
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT).as_posix()
        if "= Catalogue(" in text:
            building.add(rel.removesuffix(".py").replace("/", "."))
        elif "MESSAGES[" in text:
            hand_made.add(rel)
    assert building == set(CATALOGUES)
    assert hand_made == STANDALONE


def test_a_missing_code_is_logged_without_its_values_and_shown_as_itself(
        caplog: pytest.LogCaptureFixture) -> None:
    """GIVEN a catalogue WHEN a code it lacks is asked for THEN the code comes back and an error
    naming it is logged, without the parameters' values (personal data)."""
    table = Catalogue("demo", {"hello": "{name}様、こんにちは"})
    with caplog.at_level(logging.ERROR, logger="drivers.catalogue"):
        assert table.message("goodbye", name="山田太郎") == "goodbye"
    assert "goodbye" in caplog.text and "demo" in caplog.text and "山田太郎" not in caplog.text


def test_a_missing_value_is_logged_and_the_text_shown_unformatted(
        caplog: pytest.LogCaptureFixture) -> None:
    """GIVEN an entry with a placeholder WHEN it is formatted without that value (or with one its
    format spec refuses) THEN the unformatted text comes back and the error names the code and
    the placeholder, not the values given."""
    table = Catalogue("demo", {"hello": "{name}様、こんにちは", "sw": "応答 {sw:04X}"})
    with caplog.at_level(logging.ERROR, logger="drivers.catalogue"):
        assert table.message("hello", mykey_id="MY123456") == "{name}様、こんにちは"
        assert table.message("sw", sw="秘密の値") == "応答 {sw:04X}"
    assert "hello" in caplog.text and "'name'" in caplog.text and "mykey_id" in caplog.text
    assert "MY123456" not in caplog.text and "秘密の値" not in caplog.text


@pytest.mark.parametrize("module", list(CATALOGUES))
def test_every_package_lookup_follows_the_one_policy(module: str,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    """GIVEN each package's public lookup (which used to raise KeyError in the drivers, or show
    the cloud's bad_request text) WHEN a code is unknown THEN the code comes back, logged."""
    found = importlib.import_module(module)
    lookup: Callable[..., str] = next((getattr(found, name) for name in LOOKUPS
                                       if hasattr(found, name)), catalogue_of(module).message)
    with caplog.at_level(logging.ERROR, logger="drivers.catalogue"):
        assert lookup("no_such_code_anywhere") == "no_such_code_anywhere"
    assert "no_such_code_anywhere" in caplog.text


def test_a_translation_overlay_replaces_texts_and_falls_back_to_japanese() -> None:
    """GIVEN a Japanese catalogue WHEN an overlay with some of its codes is used THEN those codes
    show the overlay's text, the others stay Japanese, and an overlay with unknown codes is
    refused; an empty overlay goes back to Japanese."""
    table = Catalogue("demo", {"hello": "{name}様、こんにちは", "bye": "さようなら"})
    table.use({"hello": "Hello, {name}"})
    assert (table.message("hello", name="Yamada"), table.message("bye")) == ("Hello, Yamada",
                                                                             "さようなら")
    with pytest.raises(ValueError, match="typo"):
        table.use({"typo": "x"})
    table.use({})
    assert table.message("hello", name="山田") == "山田様、こんにちは"


def test_no_two_catalogues_keep_one_code_with_different_texts() -> None:
    """GIVEN all catalogues WHEN a code is in two of them THEN the texts are the same, or the pair
    is one of the documented exceptions (and every exception still exists)."""
    found = {(a, b, code) for a, b in combinations(sorted(CATALOGUES), 2)
             for code in set(catalogue_of(a)) & set(catalogue_of(b))
             if catalogue_of(a).source[code] != catalogue_of(b).source[code]}
    assert found == SAME_CODE_DIFFERENT_TEXT


def test_no_sentence_is_repeated_where_one_catalogue_could_use_the_others_entry() -> None:
    """GIVEN the catalogues one program can import (terminal + drivers, cloud + drivers) WHEN a
    sentence (a text ending in 。) is in two of them THEN that is a failure: keep one entry."""
    where: dict[tuple[str, str], list[str]] = defaultdict(list)
    for module, side in CATALOGUES.items():
        for code, text in catalogue_of(module).source.items():
            if text.endswith("。"):
                for program in SIDES[side]:
                    where[(program, text)].append(f"{module}:{code}")
    repeated = {key: places for key, places in where.items()
                if len({p.split(":")[0] for p in places}) > 1}
    assert repeated == {}


def sources() -> list[Path]:
    return sorted(p for part in ("drivers", "terminal_app", "cloud_api", "installer", "bench")
                  for p in (ROOT / part).rglob("*.py") if ".venv" not in p.parts)


def literal_lookups() -> list[tuple[str, int, str, str, set[str] | None]]:
    """(file, line, catalogue module, code, keyword names or None when **params is passed) of every
    `message("code", ...)` / `tr("code", ...)` whose lookup is imported from a catalogue."""
    found = []
    for path in sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {alias.asname or alias.name: node.module for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and node.module in CATALOGUES
                    for alias in node.names if alias.name in LOOKUPS}
        own = path.relative_to(ROOT).as_posix().removesuffix(".py").replace("/", ".")
        if own in CATALOGUES:
            imported.update({name: own for name in LOOKUPS if name not in imported})
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in imported and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                names = None if any(k.arg is None for k in node.keywords) else {
                    str(k.arg) for k in node.keywords}
                found.append((str(path.relative_to(ROOT)), node.lineno, imported[node.func.id],
                              node.args[0].value, names))
    return found


def test_every_literal_code_a_call_site_asks_for_exists_with_its_values() -> None:
    """GIVEN the sources WHEN a call site asks a catalogue for a literal code THEN the code is
    there and the call passes every placeholder (unless it passes **params through)."""
    problems = []
    for path, line, module, code, names in literal_lookups():
        catalogue = catalogue_of(module)
        if code not in catalogue:
            problems.append(f"{path}:{line}: {code!r} is not in {module}")
        elif names is not None and set(placeholders(catalogue.source[code])) - names:
            problems.append(f"{path}:{line}: {code!r} misses "
                            f"{sorted(set(placeholders(catalogue.source[code])) - names)}")
    assert problems == []


def test_the_cloud_takes_only_the_catalogue_from_drivers() -> None:
    """GIVEN the server image copies cloud_api/ and drivers/catalogue.py only (Containerfile) WHEN
    the cloud's sources are scanned THEN drivers.catalogue is all they import from drivers/."""
    imports = {node.module if isinstance(node, ast.ImportFrom) else alias.name
               for path in (ROOT / "cloud_api").rglob("*.py")
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.Import | ast.ImportFrom)
               for alias in node.names}
    assert {name for name in imports if name and name.split(".")[0] == "drivers"} == {
        "drivers.catalogue"}
    assert "COPY drivers/__init__.py drivers/catalogue.py drivers/" in (
        ROOT / "installer/server/Containerfile").read_text(encoding="utf-8")


def test_an_api_error_with_an_unknown_code_still_shows_a_sentence(
        caplog: pytest.LogCaptureFixture) -> None:
    """GIVEN an API error raised with a code the cloud has no text for WHEN its problem+json is
    made THEN the code is kept for the client, the text is bad_request's (never a bare code), and
    the gap is logged; a known code keeps its own text."""
    from cloud_api.errors import ApiError, FieldError, api_message
    from cloud_api.messages import message

    with caplog.at_level(logging.ERROR, logger="cloud_api.errors"):
        error = ApiError("no_such_code", status=409)
        assert (error.code, error.detail) == ("no_such_code", message("bad_request"))
    assert "no_such_code" in caplog.text
    assert ApiError("voucher_expired").detail == message("voucher_expired")
    assert FieldError("x", "required", api_message("acct_field_nope")).message == message(
        "bad_request")
