"""`open_reader`, which picks a card-reader backend from a `kind:path` string.

    "pcsc"              the first PC/SC reader (pyscard)
    "pcsc:<name>"       the PC/SC reader with that name (exact, else the first starting with it)
    "virtual:"          an in-process virtual reader, empty until `insert(card_file)`
    "virtual:<file>"    the same with that virtual My Number card file inserted;
                        `?delay_ms=15` adds a per-APDU card delay (benchmarks, progress UIs)
"""
from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import parse_qs

from drivers.card.base import CardReader
from drivers.card.errors import InvalidInput
from drivers.card.messages import message

log = logging.getLogger(__name__)


def open_reader(spec: str) -> CardReader:
    """Build the reader named by `spec` (see the module docstring)."""
    kind, _, rest = spec.strip().partition(":")
    if kind == "pcsc":
        from drivers.card.pcsc import PcscReader
        return PcscReader(rest or None)
    if kind == "virtual":
        from drivers.card.virtual.reader import VirtualReader
        path, delay_ms = _parse_virtual(spec, rest)
        return VirtualReader(path, delay_ms=delay_ms)
    raise InvalidInput(message("bad_reader_spec", spec=spec))


def _parse_virtual(spec: str, rest: str) -> tuple[Path | None, float]:
    path_part, _, query = rest.partition("?")
    try:
        delay = float(parse_qs(query).get("delay_ms", ["0"])[0])
    except ValueError as exc:
        raise InvalidInput(message("bad_reader_spec", spec=spec)) from exc
    if delay < 0:
        raise InvalidInput(message("bad_reader_spec", spec=spec))
    return (Path(path_part) if path_part else None), delay
