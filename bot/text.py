"""Counted nouns for people to read: "1 integration", "2 integrations", never "integration(s)"."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """`count` and `word`, in the plural unless the count is one (`many` when adding an "s"
    is wrong, e.g. `plural(n, "identity", "identities")`)."""
    return f"{count} {word if count == 1 else (many or word + 's')}"
