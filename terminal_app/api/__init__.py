"""The terminal's side of the cloud contract: transport (only HTTP code), signing, typed client."""
from __future__ import annotations

from importlib import metadata


def client_version() -> str:
    """The installed software version sent as X-MyKey-Client-Version."""
    try:
        return metadata.version("mykey-terminal-cloud")
    except metadata.PackageNotFoundError:
        return "0.1.0"
