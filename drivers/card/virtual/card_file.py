"""The virtual My Number card file: JSON with PEM keys/certificates, PIN counters and quirks.

Format "mykey-virtual-card/1":
    holder      {name, address, birth "YYYY-MM-DD", sex "1"}
    card        {kind "mynumber"|"blank", token_label, expiry_year, security_code}
    auth        {cert_pem, key_pem, ca_cert_pem}
    sign        {cert_pem, key_pem, ca_cert_pem} or null (no signature certificate)
    keys        {auth_pin | text_pin | collation_b | sign_password: {value, tries_left, max_tries}}
    quirks      {cert_filler, basic_info_leading, t0_get_response, strict_le}
The card writes PIN counters back to the file (atomically), so a blocked card stays blocked.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from drivers.card.errors import InvalidInput
from drivers.card.messages import message

log = logging.getLogger(__name__)

FORMAT = "mykey-virtual-card/1"


@dataclass
class KeyState:
    """A PIN/password key with a real retry counter."""

    value: str
    tries_left: int
    max_tries: int


@dataclass
class Quirks:
    """Behaviours of some real cards/readers the driver must cope with."""

    cert_filler: int = 0            # FF bytes after each certificate in its EF
    basic_info_leading: int = 0     # bytes before FF20 in the basic-info EF
    t0_get_response: bool = False   # answer data as 61xx + GET RESPONSE (T=0 style)
    strict_le: bool = False         # answer 6Cxx when Le exceeds the bytes left


@dataclass
class CardDocument:
    """Everything a virtual card file holds."""

    holder: dict[str, str]
    card: dict[str, Any]
    auth: dict[str, str] | None
    sign: dict[str, str] | None
    keys: dict[str, KeyState]
    quirks: Quirks = field(default_factory=Quirks)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON structure."""
        data = asdict(self)
        data["format"] = FORMAT
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CardDocument:
        """Inverse of to_json; raises InvalidInput on a malformed document."""
        try:
            if data.get("format") != FORMAT:
                raise ValueError(f"format {data.get('format')!r}")
            keys = {k: KeyState(**v) for k, v in data["keys"].items()}
            return cls(data["holder"], data["card"], data.get("auth"), data.get("sign"),
                       keys, Quirks(**data.get("quirks", {})))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InvalidInput(message("bad_card_file", detail=str(exc))) from exc


def load_card(path: Path) -> CardDocument:
    """Read a card file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInput(message("bad_card_file", detail=f"{path}: {exc}")) from exc
    return CardDocument.from_json(data)


def save_card(doc: CardDocument, path: Path) -> None:
    """Write a card file atomically (rename over the old one)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".card-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(doc.to_json(), out, ensure_ascii=False, indent=1)
    os.replace(tmp, path)
