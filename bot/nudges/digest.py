"""What one owner is told in one cycle: counts by gap kind and the most urgent items by name."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.gaps import Gap, count_by_kind
from storage.vocabulary import GapKind

# Enough to act on without opening anything; the rest is one click away in the App Home tab.
TOP_ITEMS = 8


@dataclass(frozen=True)
class DigestItem:
    kind: GapKind
    integration: str
    identity: str | None
    detail: str


@dataclass(frozen=True)
class OpenIntegration:
    """One integration's open items, for escalations: who backs it up and what is open."""

    name: str
    backup_owner: str | None
    counts: dict[GapKind, int]


@dataclass(frozen=True)
class Digest:
    owner: str
    cycle: str
    counts: dict[GapKind, int]
    items: tuple[DigestItem, ...]
    total: int
    integrations: tuple[OpenIntegration, ...]
    escalate: bool = False
    unacted: int = 0  # digests sent since the owner last acted, before this one

    @property
    def more(self) -> int:
        return self.total - len(self.items)

    def summary(self) -> dict[str, Any]:
        """What the ledger keeps about the digest: enough to audit what was said."""
        return {
            "total": self.total,
            "counts": {str(kind): n for kind, n in self.counts.items()},
            "integrations": [item.name for item in self.integrations],
            "escalate": self.escalate,
        }


def build_digest(owner: str, cycle: str, gaps: Sequence[Gap]) -> Digest:
    """A digest from one owner's gaps, which come most urgent first."""
    by_integration: dict[str, list[Gap]] = defaultdict(list)
    for gap in gaps:
        by_integration[gap.integration].append(gap)
    integrations = tuple(
        OpenIntegration(name, found[0].backup_owner, count_by_kind(found))
        for name, found in sorted(by_integration.items())
    )
    items = tuple(
        DigestItem(gap.kind, gap.integration, gap.identity, gap.detail) for gap in gaps[:TOP_ITEMS]
    )
    return Digest(
        owner=owner,
        cycle=cycle,
        counts=count_by_kind(gaps),
        items=items,
        total=len(gaps),
        integrations=integrations,
    )


def describe_counts(counts: dict[GapKind, int]) -> str:
    """`3 undeclared, 1 scim`: the counts in urgency order, for text fallbacks and logs."""
    return ", ".join(f"{n} {kind}" for kind, n in counts.items())
