"""The shopping-street merge linkage file (商店街ポイント合算の連携ファイル), v1 and v2.

Record (UTF-8 text, one line, CRLF): customer_id "," points "," transfer_key "," md5hex
  - customer_id: the shopping-street point ID (1-20 chars [0-9A-Za-z-])
  - points: decimal, no sign, no separators
  - transfer_key: 取引済番号 for the street: yyyymmddHHMMSS (JST) + terminal ID (8) + sequence (5)
  - md5hex: lower-case hex MD5 over customer_id + points + transfer_key + secret (concatenated)
v1 (the seed's spec, for compatibility): IV (16 random bytes) || AES-128-CBC(PKCS#7(record)).
v2 (authenticated, preferred): b"MKM2" || nonce (12 random bytes) || AES-128-GCM(record) with
the 16-byte tag appended and b"MKM2" as associated data.
docs/merge-file-format.md documents every byte with test vectors.
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC_V2 = b"MKM2"
EXTENSIONS = {"v1": "mkm1", "v2": "mkm2"}
CUSTOMER_ID = re.compile(r"^[0-9A-Za-z-]{1,20}$")
TRANSFER_KEY = re.compile(r"^[0-9]{27}$")


@dataclass(frozen=True)
class MergeRecord:
    customer_id: str
    points: int
    transfer_key: str

    def __post_init__(self) -> None:
        if not CUSTOMER_ID.fullmatch(self.customer_id) or not TRANSFER_KEY.fullmatch(self.transfer_key):
            raise ValueError("merge record fields out of format")
        if not 0 < self.points <= 10_000_000:
            raise ValueError("merge points out of range")


def transfer_key(executed_at_jst: str, terminal_id: str, txn_no: str) -> str:
    """yyyymmddHHMMSS + terminal ID + the 5-digit sequence of the 取引済番号."""
    return f"{executed_at_jst}{terminal_id}{txn_no[-5:]}"


def tamper_hash(record: MergeRecord, secret: str) -> str:
    joined = f"{record.customer_id}{record.points}{record.transfer_key}{secret}"
    return hashlib.md5(joined.encode("utf-8"), usedforsecurity=False).hexdigest()


def record_line(record: MergeRecord, secret: str) -> bytes:
    fields = (record.customer_id, str(record.points), record.transfer_key,
              tamper_hash(record, secret))
    return (",".join(fields) + "\r\n").encode("utf-8")


def encode_v1(record: MergeRecord, key: bytes, secret: str, iv: bytes | None = None) -> bytes:
    iv = iv if iv is not None else os.urandom(16)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(record_line(record, secret)) + padder.finalize()
    enc = Cipher(algorithms.AES128(key), modes.CBC(iv)).encryptor()
    return iv + enc.update(padded) + enc.finalize()


def encode_v2(record: MergeRecord, key: bytes, secret: str, nonce: bytes | None = None) -> bytes:
    nonce = nonce if nonce is not None else os.urandom(12)
    return MAGIC_V2 + nonce + AESGCM(key).encrypt(nonce, record_line(record, secret), MAGIC_V2)


def encode(record: MergeRecord, version: str, key: bytes, secret: str) -> bytes:
    return encode_v2(record, key, secret) if version == "v2" else encode_v1(record, key, secret)


def file_name(record: MergeRecord, version: str) -> str:
    return f"MKM_{record.transfer_key}.{EXTENSIONS[version]}"


def linkage_keys(merge_key_hex: str, hash_secret: str, data_dir: Path) -> tuple[bytes, str]:
    """The AES-128 key and the MD5 secret: configured, else generated once per installation."""
    key_hex = merge_key_hex or _installation_value(data_dir / "merge_key.hex", 16)
    secret = hash_secret or _installation_value(data_dir / "merge_hash_secret", 24)
    key = bytes.fromhex(key_hex)
    if len(key) != 16:
        raise ValueError("the merge key must be 16 bytes (32 hex digits)")
    return key, secret


def _installation_value(path: Path, nbytes: int) -> str:
    if not path.exists():
        path.write_text(secrets.token_hex(nbytes))
        path.chmod(0o600)
    return path.read_text().strip()
