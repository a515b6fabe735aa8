"""Typed settings of the cloud, read once from the environment (and test overrides)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any


def default_data_dir() -> Path:
    """The cloud's data folder: MYKEY_CLOUD_HOME, else ~/.local/share/mykey-cloud."""
    env = os.environ.get("MYKEY_CLOUD_HOME")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "mykey-cloud"


@dataclass(frozen=True)
class Settings:
    """Everything the cloud can be configured with. Units are in the names."""

    database_url: str = ""
    data_dir: Path = field(default_factory=default_data_dir)
    secret_key: str = ""                      # Flask session signing (web console); from env
    signature_window_s: int = 300             # accepted clock skew of a signed terminal request
    password_max_failures: int = 5            # failed password attempts before a terminal locks
    card_token_ttl_s: int = 600               # how long a card read authorises operations
    voucher_max_validity_days: int = 30
    jpki_ca_dir: Path | None = None           # trusted JPKI CA certificates (*.pem / *.der) + CRLs
    merge_key_hex: str = ""                   # AES-128 key of the v1 merge linkage file (hex)
    merge_hash_secret: str = ""               # the "specific string" of the v1 MD5 tamper hash
    min_terminal_version: str = "0.1.0"
    proxy_hops: int = 0                       # reverse proxies in front (X-Forwarded-* trusted)
    testing: bool = False
    # GRANT: email notices after a grant (画面 V(9)); no host = notices switched off
    smtp_host: str = field(default_factory=lambda: os.environ.get("MYKEY_SMTP_HOST", ""))
    smtp_port: int = field(default_factory=lambda: int(os.environ.get("MYKEY_SMTP_PORT", "25")))
    smtp_from: str = field(default_factory=lambda: os.environ.get("MYKEY_SMTP_FROM",
                                                                  "noreply@mykey.invalid"))
    smtp_timeout_s: float = 10.0

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'cloud.sqlite3'}"

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        env = os.environ
        s = cls(
            database_url=env.get("DATABASE_URL", ""),
            secret_key=env.get("MYKEY_SECRET_KEY", ""),
            jpki_ca_dir=Path(env["MYKEY_JPKI_CA_DIR"]) if env.get("MYKEY_JPKI_CA_DIR") else None,
            merge_key_hex=env.get("MYKEY_MERGE_KEY_HEX", ""),
            merge_hash_secret=env.get("MYKEY_MERGE_HASH_SECRET", ""),
            proxy_hops=int(env.get("MYKEY_PROXY_HOPS", "0") or 0),
        )
        return replace(s, **overrides)
