"""Check digits, formats and passwords: the small rules everything else relies on."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloud_api.services.passwords import (
    UNAMBIGUOUS,
    generate_password,
    hash_password,
    verify_password,
)
from cloud_api.services.validation import (
    is_municipality_code,
    is_prefecture_code,
    municipality_check_digit,
)


@pytest.mark.parametrize("code", ["131164", "141305", "360007", "362018", "011002"])
def test_known_codes_are_valid(code: str) -> None:
    assert is_municipality_code(code)


@pytest.mark.parametrize("code", ["131165", "141300", "36000", "3600070", "36000a", 360007, None])
def test_wrong_codes_are_refused(code: object) -> None:
    assert not is_municipality_code(code)


@given(st.text(alphabet="0123456789", min_size=5, max_size=5))
@settings(max_examples=200, deadline=None)
def test_exactly_one_check_digit_fits(first5: str) -> None:
    valid = [d for d in range(10) if is_municipality_code(first5 + str(d))]
    assert valid == [municipality_check_digit(first5)]


def test_prefecture_codes() -> None:
    assert is_prefecture_code("360007") and not is_prefecture_code("362018")


def test_password_hash_round_trip_and_salt() -> None:
    a, b = hash_password("e912kfja"), hash_password("e912kfja")
    assert a != b and verify_password("e912kfja", a) and verify_password("e912kfja", b)
    assert not verify_password("e912kfjb", a)
    assert not verify_password("e912kfja", "md5$abc") and not verify_password("x", "garbage")


def test_generated_passwords_are_long_and_unambiguous() -> None:
    made = {generate_password() for _ in range(200)}
    assert len(made) == 200
    for pw in made:
        assert len(pw) == 12 and set(pw) <= set(UNAMBIGUOUS)
        assert not set(pw) & set("0O1lI")
    with pytest.raises(ValueError):
        generate_password(8)
