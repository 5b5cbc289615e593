"""What one owner is told in one cycle: counts by gap kind and the most urgent items by name."""

from __future__ import annotations

from bisect import insort
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.gaps import URGENCY, Gap
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


class DigestDraft:
    """One owner's digest, built as their gaps stream past in any order: counts, the open
    integrations and the most urgent items, without keeping every gap (a cycle sees them all)."""

    # Kept as plain ints, strings and tuples of them: a cycle holds thousands of drafts, and
    # the garbage collector does not have to walk containers of atoms.
    def __init__(self) -> None:
        self.total = 0
        self._counts: dict[int, int] = {}  # by urgency rank
        self._integrations: dict[str, tuple[str | None, dict[int, int]]] = {}
        # The most urgent items so far, in order: (rank, integration, identity or "", identity,
        # detail). The first three are unique (one finding of a kind per identity or
        # integration), so they alone decide the order.
        self._top: list[tuple[int, str, str, str | None, str]] = []

    def add(self, gap: Gap) -> None:
        rank = _RANK[gap.kind]
        self.total += 1
        self._counts[rank] = self._counts.get(rank, 0) + 1
        entry = self._integrations.get(gap.integration)
        if entry is None:
            entry = self._integrations[gap.integration] = (gap.backup_owner, {})
        entry[1][rank] = entry[1].get(rank, 0) + 1
        item = (rank, gap.integration, gap.identity or "", gap.identity, gap.detail)
        top = self._top
        if len(top) < TOP_ITEMS or item < top[-1]:
            insort(top, item)
            del top[TOP_ITEMS:]

    def digest(self, owner: str, cycle: str, *, escalate: bool = False, unacted: int = 0) -> Digest:
        integrations = tuple(
            OpenIntegration(name, backup, _by_urgency(found))
            for name, (backup, found) in sorted(self._integrations.items())
        )
        items = tuple(
            DigestItem(URGENCY[rank], integration, identity, detail)
            for rank, integration, _, identity, detail in self._top
        )
        return Digest(
            owner=owner,
            cycle=cycle,
            counts=_by_urgency(self._counts),
            items=items,
            total=self.total,
            integrations=integrations,
            escalate=escalate,
            unacted=unacted,
        )


def build_digest(owner: str, cycle: str, gaps: Iterable[Gap]) -> Digest:
    """A digest from one owner's gaps."""
    draft = DigestDraft()
    for gap in gaps:
        draft.add(gap)
    return draft.digest(owner, cycle)


_RANK = {kind: rank for rank, kind in enumerate(URGENCY)}


def _by_urgency(counts: dict[int, int]) -> dict[GapKind, int]:
    return {URGENCY[rank]: counts[rank] for rank in sorted(counts)}


def describe_counts(counts: dict[GapKind, int]) -> str:
    """`3 undeclared, 1 scim`: the counts in urgency order, for text fallbacks and logs."""
    return ", ".join(f"{n} {kind}" for kind, n in counts.items())
