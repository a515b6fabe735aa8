"""The one message-catalogue mechanism of every package: Japanese source text keyed by stable code.

Nothing here is hardware-specific. The module lives in drivers/ only because drivers/ is the
bottom of the import graph, so drivers, terminal_app and cloud_api can all import it without an
upward arrow.

Each package keeps its own table (`{code: Japanese text with str.format {placeholders}}`) and
wraps it in a `Catalogue`; its call sites use `message(code, **params)` (the terminal's Qt screens
say `tr(key, **values)`, Qt's convention, which is the same lookup).

One policy when something is wrong, the same in every package, because these texts are shown on
error paths that must not fail in turn:
- an unknown code is logged and the code itself is returned (a visible key, never a crash);
- a text whose placeholders cannot be filled is logged and returned unformatted.
The log line names the catalogue, the code and the missing placeholder, never the parameters'
values: they may be personal data (names, addresses, MyKey IDs).

Translation seam: `use(overlay)` lays a table of translated texts with the same codes over the
Japanese source; codes the overlay lacks keep their Japanese text. A later move to Qt .ts files or
gettext only has to fill that overlay.
"""
from __future__ import annotations

import logging
import string
from collections.abc import Iterator, Mapping

log = logging.getLogger(__name__)

# what str.format raises when a text and its parameters do not fit together
FORMAT_ERRORS = (KeyError, IndexError, ValueError, AttributeError, TypeError)


class Catalogue:
    """A named table of Japanese source texts keyed by stable code, and its one lookup."""

    def __init__(self, name: str, source: Mapping[str, str]) -> None:
        self.name = name
        self.source = source
        self.overlay: Mapping[str, str] = {}

    def __contains__(self, code: object) -> bool:
        return code in self.source

    def __iter__(self) -> Iterator[str]:
        return iter(self.source)

    def __len__(self) -> int:
        return len(self.source)

    def use(self, overlay: Mapping[str, str]) -> None:
        """Show `overlay`'s texts (a translation keyed by the same codes) instead of the source's;
        an empty overlay goes back to Japanese. Codes the source does not have are refused."""
        unknown = sorted(set(overlay) - set(self.source))
        if unknown:
            raise ValueError(f"{self.name}: the overlay has codes the source lacks: {unknown}")
        self.overlay = dict(overlay)

    def template(self, code: str) -> str | None:
        """The unformatted text shown for `code` (overlay first, then the source), or None."""
        return self.overlay.get(code, self.source.get(code))

    def message(self, code: str, /, **params: object) -> str:
        """The text for `code` with its {placeholders} filled from `params`.

        Unknown code: logged, the code is returned. Unfillable text: logged, returned as is."""
        text = self.template(code)
        if text is None:
            log.error("%s: no message for code %r", self.name, code)
            return code
        try:
            return text.format(**params)
        except FORMAT_ERRORS as exc:
            log.error("%s: cannot format message %r (%s %s; given: %s)", self.name, code,
                      type(exc).__name__, exc if isinstance(exc, KeyError) else "",
                      sorted(params))
            return text


def placeholders(text: str) -> list[str]:
    """The names of the {placeholders} of `text`, in order ('sw' for '{sw:04X}')."""
    return [name.split(".")[0].split("[")[0]
            for _, name, _, _ in string.Formatter().parse(text) if name is not None]
