"""合算ポイント受取: the reference receiver of the shopping-street merge linkage files.

`mykey-merge-receive FOLDER [--key-hex HEX] [--secret TEXT] [--json] [--v2-only]`
Reads every *.mkm2 (preferred, authenticated AES-128-GCM) then *.mkm1 (AES-128-CBC + MD5 tamper
hash, the seed's format) file in FOLDER, decrypts and verifies it, rejects a transaction number
already received (kept in FOLDER/received.sqlite3), moves the file to FOLDER/done/ or
FOLDER/rejected/, and prints the points to add per customer. Self-contained on purpose: besides
the standard library it needs only the `cryptography` package and terminal_app/local_schema.py
(standard library only), so a shopping-street vendor can copy the two files. received.sqlite3 has
a schema version (local_schema): 1 the table as first deployed; a file of a newer version is
refused and left as it is. Format: docs/merge-file-format.md.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import hmac
import json
import logging
import os
import re
import sqlite3
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from terminal_app.local_schema import SchemaTooNew, Step, script, upgrade

log = logging.getLogger(__name__)

MAGIC_V2 = b"MKM2"
LINE = re.compile(r"^([0-9A-Za-z-]{1,20}),([1-9][0-9]{0,7}),([0-9]{27}),([0-9a-f]{32})\r\n$")
MAX_FILE_BYTES = 4096

# The receiver's message catalogue (Japanese first; keys are stable codes).
MESSAGES = {
    "accepted": "受取: 顧客ID {customer_id} に {points} ポイントを加算します（取引済番号 {transfer_key}）",
    "rejected": "拒否: {file} — {reason}",
    "total": "合計: 顧客ID {customer_id} に {points} ポイント",
    "none": "受け取るファイルはありません。",
    "decrypt_failed": "復号できません（鍵が違うか、ファイルが改ざんされています）",
    "malformed": "ファイルの形式が正しくありません",
    "hash_mismatch": "改ざん検知用ハッシュ値が一致しません",
    "duplicate": "この取引済番号は受取済みです（二重受取の防止）",
    "v1_refused": "v1 形式は受け付けない設定です（--v2-only）",
    "too_large": "ファイルが大きすぎます",
    "unreadable": "読み取れませんでした（ファイルはそのまま残し、次回もう一度処理します）",
    "no_key": "共通鍵（--key-hex または MYKEY_MERGE_KEY_HEX、32桁の16進数）を指定してください。",
    "no_folder": "フォルダが見つかりません: {folder}",
    "db_too_new": "受取済みの取引済番号の記録（{path}）は、このプログラムより新しいバージョンで作られています"
                  "（形式 {found}、このプログラムが扱えるのは形式 {known} まで）。"
                  "ファイルは変更していません。新しいバージョンのプログラムで受け取ってください。",
}
SCHEMA = ("CREATE TABLE IF NOT EXISTS received (transfer_key TEXT PRIMARY KEY, "
          "customer_id TEXT NOT NULL, points INTEGER NOT NULL CHECK (points > 0), "
          "file TEXT NOT NULL, format TEXT NOT NULL, received_at TEXT NOT NULL)")
STEPS: tuple[Step, ...] = (script(SCHEMA),)


class Rejected(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Transfer:
    customer_id: str
    points: int
    transfer_key: str
    file: str
    format: str


@dataclass
class Report:
    accepted: list[Transfer] = field(default_factory=list)
    rejected: list[dict[str, str]] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for t in self.accepted:
            out[t.customer_id] = out.get(t.customer_id, 0) + t.points
        return out

    def to_json(self) -> dict[str, object]:
        return {"accepted": [asdict(t) for t in self.accepted], "rejected": self.rejected,
                "totals": self.totals()}


def decrypt(data: bytes, fmt: str, key: bytes) -> bytes:
    """The record line of a v1 or v2 file; Rejected('decrypt_failed') on any failure."""
    if len(data) > MAX_FILE_BYTES:
        raise Rejected("too_large")
    try:
        if fmt == "v2":
            if data[:4] != MAGIC_V2 or len(data) < 4 + 12 + 16:
                raise Rejected("malformed")
            return AESGCM(key).decrypt(data[4:16], data[16:], MAGIC_V2)
        if len(data) < 32 or len(data) % 16:
            raise Rejected("malformed")
        dec = Cipher(algorithms.AES128(key), modes.CBC(data[:16])).decryptor()
        unpad = padding.PKCS7(128).unpadder()
        return unpad.update(dec.update(data[16:]) + dec.finalize()) + unpad.finalize()
    except (InvalidTag, ValueError):
        raise Rejected("decrypt_failed") from None


def parse(line: bytes, secret: str, file: str, fmt: str) -> Transfer:
    try:
        m = LINE.match(line.decode("utf-8"))
    except UnicodeDecodeError:
        m = None
    if m is None:
        raise Rejected("malformed")
    customer_id, points, key, digest = m.groups()
    joined = f"{customer_id}{points}{key}{secret}".encode()
    if not hmac.compare_digest(hashlib.md5(joined, usedforsecurity=False).hexdigest(), digest):
        raise Rejected("hash_mismatch")
    return Transfer(customer_id, int(points), key, file, fmt)


def _open_db(folder: Path) -> sqlite3.Connection:
    """The received numbers, upgraded to this program's schema; SchemaTooNew: left unchanged."""
    path = folder / "received.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous=FULL")
    try:
        upgrade(db, STEPS, str(path))
    except BaseException:
        db.close()
        raise
    return db


def _remember(db: sqlite3.Connection, t: Transfer) -> None:
    try:
        db.execute("INSERT INTO received VALUES (?, ?, ?, ?, ?, ?)",
                   (t.transfer_key, t.customer_id, t.points, t.file, t.format,
                    datetime.now(UTC).isoformat()))
    except sqlite3.IntegrityError:
        raise Rejected("duplicate") from None


def _files(folder: Path) -> list[tuple[Path, str]]:
    """v2 files first (preferred), then v1; by name within each."""
    return ([(p, "v2") for p in sorted(folder.glob("*.mkm2"))]
            + [(p, "v1") for p in sorted(folder.glob("*.mkm1"))])


def _move(path: Path, to: Path) -> None:
    to.mkdir(exist_ok=True)
    os.replace(path, to / path.name)


def receive_folder(folder: Path, key: bytes, secret: str, v2_only: bool = False) -> Report:
    """Process every linkage file in `folder` once; the received numbers survive restarts.
    SchemaTooNew (nothing processed, nothing changed) when a newer program made the record."""
    report = Report()
    db = _open_db(folder)
    try:
        for path, fmt in _files(folder):
            try:
                if fmt == "v1" and v2_only:
                    raise Rejected("v1_refused")
                transfer = parse(decrypt(path.read_bytes(), fmt, key), secret, path.name, fmt)
                _remember(db, transfer)
            except Rejected as exc:
                report.rejected.append({"file": path.name, "code": exc.code,
                                        "reason": MESSAGES[exc.code]})
                with contextlib.suppress(OSError):
                    _move(path, folder / "rejected")
                continue
            except (OSError, sqlite3.Error):   # not received: the file waits for the next run
                report.rejected.append({"file": path.name, "code": "unreadable",
                                        "reason": MESSAGES["unreadable"]})
                continue
            # received (remembered): it is reported even if the file cannot be moved now; the
            # next run then finds its number received already
            report.accepted.append(transfer)
            with contextlib.suppress(OSError):
                _move(path, folder / "done")
    finally:
        db.close()
    return report


def _print_text(report: Report) -> None:
    for t in report.accepted:
        print(MESSAGES["accepted"].format(**asdict(t)))
    for r in report.rejected:
        print(MESSAGES["rejected"].format(file=r["file"], reason=r["reason"]))
    for customer_id, points in report.totals().items():
        print(MESSAGES["total"].format(customer_id=customer_id, points=points))
    if not report.accepted and not report.rejected:
        print(MESSAGES["none"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="mykey-merge-receive", description="合算ポイント受取")
    ap.add_argument("folder", type=Path)
    ap.add_argument("--key-hex", default=os.environ.get("MYKEY_MERGE_KEY_HEX", ""))
    ap.add_argument("--secret", default=os.environ.get("MYKEY_MERGE_HASH_SECRET", ""))
    ap.add_argument("--json", action="store_true", help="結果をJSONで出力する")
    ap.add_argument("--v2-only", action="store_true", help="認証付きのv2形式だけを受け付ける")
    args = ap.parse_args(argv)
    if not args.folder.is_dir():
        print(MESSAGES["no_folder"].format(folder=args.folder), file=sys.stderr)
        return 2
    try:
        key = bytes.fromhex(args.key_hex)
    except ValueError:
        key = b""
    if len(key) != 16:
        print(MESSAGES["no_key"], file=sys.stderr)
        return 2
    try:
        report = receive_folder(args.folder, key, args.secret, args.v2_only)
    except SchemaTooNew as exc:
        print(MESSAGES["db_too_new"].format(path=exc.name, found=exc.found, known=exc.known),
              file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        _print_text(report)
    return 1 if report.rejected else 0


if __name__ == "__main__":
    sys.exit(main())
