"""The transport interface: moves bytes to a printer and, when it can, reads replies."""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self

log = logging.getLogger(__name__)


class Transport(ABC):
    """One connection to one printer. `bidirectional` transports can answer DLE EOT."""

    bidirectional: bool = False

    def __init__(self, target: str) -> None:
        self.target = target

    @abstractmethod
    def open(self) -> None:
        """Connect; PrinterConnectionError (Japanese) when the printer cannot be reached."""

    @abstractmethod
    def write(self, data: bytes) -> None:
        """Send all of `data`."""

    def read(self, size: int, timeout_s: float) -> bytes:
        """Up to `size` bytes, b"" on timeout. Only bidirectional transports override this."""
        return b""

    @abstractmethod
    def close(self) -> None:
        """Release the connection (idempotent)."""

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.target!r})"
