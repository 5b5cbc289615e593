"""The population root: one SHA-256 over a canonical line per frozen item, in position order.

An item's line is the canonical JSON (sorted keys, no spaces, UTF-8, as the audit chain's
entries) of the fields in ITEM_FIELDS, then a newline; the root is the hex SHA-256 of all the
lines one after the other. docs/evidence.md states it; the package's verify.py recomputes it
from population.csv with the standard library alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

ITEM_FIELDS = (
    "position",
    "identity_id",
    "integration_id",
    "integration",
    "external_id",
    "display_name",
    "email",
    "kind",
    "owned_by",
    "owner",
    "lane",
)


def item_line(item: Mapping[str, Any]) -> bytes:
    content = {name: item[name] for name in ITEM_FIELDS}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (text + "\n").encode()


class PopulationRoot:
    """Hashes items as they stream past, so a launch never holds its population in memory."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.count = 0

    def add(self, item: Mapping[str, Any]) -> None:
        self._hash.update(item_line(item))
        self.count += 1

    def hexdigest(self) -> str:
        return self._hash.hexdigest()
