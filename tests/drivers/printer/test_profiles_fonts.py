"""GIVEN the printer profiles and the font search WHEN loaded THEN they are valid, and a
missing profile or font is a clear Japanese configuration error."""
from __future__ import annotations

import json

import pytest

from drivers.printer import PrinterConfigError, available_profiles, fonts, load_profile


def test_every_shipped_profile_loads() -> None:
    names = available_profiles()
    assert {"tm-t88-kanji", "generic-58mm-raster", "label-62mm"} <= set(names)
    for name in names:
        prof = load_profile(name)
        assert prof.width_dots % prof.width_chars < prof.char_dots


def test_missing_profile_is_a_japanese_error(tmp_path) -> None:
    with pytest.raises(PrinterConfigError, match="見つかりません"):
        load_profile("no-such-printer", tmp_path)


@pytest.mark.parametrize("broken", ['{"width_dots": 10}', "[1, 2]", "{not json",
                                    ('{"width_dots": 576, "width_chars": 48, "kanji": true,'
                                     ' "native_qr": true, "cut": "sideways"}')])
def test_invalid_profile_names_the_problem(tmp_path, broken) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "bad.json").write_text(broken, encoding="utf-8")
    with pytest.raises(PrinterConfigError, match="正しくありません"):
        load_profile("bad", tmp_path)


def test_profile_folder_can_be_moved_by_environment(tmp_path, monkeypatch) -> None:
    raw = {"width_dots": 432, "width_chars": 36, "kanji": False, "native_qr": True}
    (tmp_path / "x.json").write_text(json.dumps(raw), encoding="utf-8")
    monkeypatch.setenv("MYKEY_PRINTER_PROFILES", str(tmp_path))
    assert load_profile("x").width_dots == 432 and available_profiles() == ["x"]


def test_ipa_gothic_is_found_on_this_machine() -> None:
    assert fonts.find_japanese_font().name.lower().startswith(("ipag", "fonts-japanese"))


def test_no_japanese_font_is_a_clear_error(monkeypatch) -> None:
    fonts.find_japanese_font.cache_clear()
    monkeypatch.delenv("MYKEY_FONT", raising=False)
    monkeypatch.setattr(fonts, "_font_dirs", list)
    monkeypatch.setattr(fonts.shutil, "which", lambda name: None)
    try:
        with pytest.raises(PrinterConfigError, match="IPAゴシック"):
            fonts.find_japanese_font()
    finally:
        fonts.find_japanese_font.cache_clear()
