"""Fixtures of the accounts tests: RSA keys for the test JPKI CA come from a small pool.

Generating RSA-2048 keys costs ~0.3 s each; the test CA makes one per CA and per card. The pool
hands out 8 distinct pre-generated keys in turn, so within one test up to 8 keys (CAs, cards)
are all different, which is what the chain and signature tests rely on.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

POOL_SIZE = 8


@pytest.fixture(scope="session")
def rsa_pool() -> list[rsa.RSAPrivateKey]:
    return [rsa.generate_private_key(public_exponent=65537, key_size=2048)
            for _ in range(POOL_SIZE)]


@pytest.fixture(autouse=True)
def pooled_rsa_keys(rsa_pool, monkeypatch) -> Iterator[None]:  # type: ignore[no-untyped-def]
    keys = itertools.cycle(rsa_pool)
    monkeypatch.setattr("drivers.card.virtual.cert_builder.new_key", lambda: next(keys))
    yield
