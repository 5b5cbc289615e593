"""The pieces of a prefix range: the upper bound of a prefix, and folding what was typed the way
the indexes fold what is stored."""

from __future__ import annotations

import pytest

from storage.matching import fold_ascii, prefix_upper_bound


@pytest.mark.parametrize(
    ("prefix", "bound"),
    [
        ("dev", "dew"),
        ("100%", "100&"),
        ("a_", "a`"),
        ("z", "{"),
        ("é", "ê"),
        ("a\ud7ff", "a\ue000"),
        ("a\U0010ffff", "b"),
        ("\U0010ffff", None),
    ],
)
def test_the_bound_is_the_least_string_past_every_string_with_the_prefix(
    prefix: str, bound: str | None
) -> None:
    assert prefix_upper_bound(prefix) == bound


def test_every_string_with_the_prefix_sorts_inside_the_range() -> None:
    prefix = "user0"
    high = prefix_upper_bound(prefix)
    assert high is not None
    for value in ("user0", "user0\U0010ffff", "user0~", "user09zz"):
        assert prefix <= value < high
    for value in ("user", "user1", "user/"):
        assert not prefix <= value < high


def test_folding_lowers_ascii_letters_only() -> None:
    assert fold_ascii("Dev ONE É") == "dev one É"
