"""Card-driver fixtures: one test CA and two issued cards per session, copied per test
(cards write their PIN counters back to the file, so every test gets its own copy)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from drivers.card.virtual.ca import JpkiCA, create_ca, issue_card
from drivers.card.virtual.card_file import save_card
from drivers.card.virtual.reader import VirtualReader

from .card_data import EXPIRY_YEAR, HOLDER, MINOR, PASSWORD, PIN, SECURITY_CODE, CardFactory


@pytest.fixture(scope="session")
def ca(tmp_path_factory: pytest.TempPathFactory) -> JpkiCA:
    return create_ca(tmp_path_factory.mktemp("jpki-ca"))


@pytest.fixture(scope="session")
def card_templates(ca: JpkiCA, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("card-templates")
    adult = issue_card(ca, HOLDER, pin=PIN, sign_password=PASSWORD, serial=0x1A2B3C,
                       card_expiry_year=EXPIRY_YEAR, security_code=SECURITY_CODE)
    minor = issue_card(ca, MINOR, pin="5678", sign_password=None)
    save_card(adult, out / "adult.json")
    save_card(minor, out / "minor.json")
    return {"adult": out / "adult.json", "minor": out / "minor.json"}


@pytest.fixture
def make_card(card_templates: dict[str, Path], tmp_path: Path) -> CardFactory:
    """make_card(template="adult", quirks={...}, card={...}) -> a fresh card file."""
    counter = iter(range(1000))

    def make(template: str = "adult", *, quirks: dict[str, Any] | None = None,
             card: dict[str, Any] | None = None) -> Path:
        path = tmp_path / f"{template}-{next(counter)}.json"
        shutil.copy(card_templates[template], path)
        if quirks or card:
            data = json.loads(path.read_text(encoding="utf-8"))
            data["quirks"].update(quirks or {})
            data["card"].update(card or {})
            path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return path

    return make


@pytest.fixture
def card_file(make_card: CardFactory) -> Path:
    return make_card()


@pytest.fixture
def reader(card_file: Path) -> VirtualReader:
    return VirtualReader(card_file)
