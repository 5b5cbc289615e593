"""Counted nouns read as a person writes them: "1 integration", "2 integrations", no "(s)"."""

from __future__ import annotations

import pytest

from bot.text import plural


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 integrations"), (1, "1 integration"), (2, "2 integrations")],
)
def test_plural_is_singular_only_for_one(count: int, expected: str) -> None:
    assert plural(count, "integration") == expected


def test_plural_takes_the_irregular_form_when_given() -> None:
    assert plural(1, "identity", "identities") == "1 identity"
    assert plural(3, "identity", "identities") == "3 identities"
