"""Password hashing with a slow KDF (scrypt n=2**14 r=8 p=1) and a per-password salt.

The stored form carries its parameters: ``scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>`` so they can be
raised later without breaking stored hashes. Comparison is constant-time. Passwords are never
logged.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets

N, R, P = 2**14, 8, 1
DKLEN = 32
# No 0/O, 1/l/I: passwords are read off paper (様式II) and typed by hand.
UNAMBIGUOUS = "abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789"


def hash_password(password: str, *, n: int = N, r: int = R, p: int = P) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=DKLEN)
    return "$".join(["scrypt", str(n), str(r), str(p), _b64(salt), _b64(digest)])


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        want = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(want))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


@functools.cache
def _unknown_hash() -> str:
    return hash_password("timing-equaliser")


def verify_unknown(password: str) -> None:
    """The work of checking a password, for an ID that does not exist: an answer for an unknown
    ID then takes as long as for a real one, so IDs cannot be found by timing."""
    verify_password(password, _unknown_hash())


def generate_password(length: int = 12) -> str:
    """A strong random terminal password from an alphabet without look-alike characters."""
    if length < 12:
        raise ValueError("terminal passwords are at least 12 characters")
    while True:
        pw = "".join(secrets.choice(UNAMBIGUOUS) for _ in range(length))
        if any(c.isdigit() for c in pw) and any(c.isalpha() for c in pw):
            return pw


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
