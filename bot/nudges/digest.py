"""What one owner is told in one cycle: counts by gap kind and the most urgent items by name."""

from __future__ import annotations

from bisect import insort
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from bot.gaps import URGENCY, Gap
from bot.identity_details import IdentityDetails
from storage.vocabulary import GapKind

# Enough to act on without opening anything; the rest is one click away in the App Home tab.
TOP_ITEMS = 8


@dataclass(frozen=True, slots=True)
class DigestItem:
    kind: GapKind
    integration: str
    identity: str | None
    detail: str
    identity_id: int | None = None
    # What is known of the key or account the item names (`with_details`).
    details: IdentityDetails | None = None


@dataclass(frozen=True, slots=True)
class OpenIntegration:
    """One integration's open items, for escalations: who backs it up and what is open."""

    name: str
    backup_owner: str | None
    counts: dict[GapKind, int]


@dataclass(frozen=True, slots=True)
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

    # Slots, and plain ints, strings and tuples of them inside: a cycle holds thousands of
    # drafts, and the garbage collector need not walk containers of atoms.
    __slots__ = ("_integrations", "_top")

    def __init__(self) -> None:
        # Per integration: its backup owner, and its counts by urgency rank.
        self._integrations: dict[str, tuple[str | None, dict[int, int]]] = {}
        # The most urgent items so far, in order: (rank, integration, identity or "", identity,
        # detail, identity id). The first three are unique (one finding of a kind per identity
        # or integration), so they alone decide the order.
        self._top: list[tuple[int, str, str, str | None, str, int | None]] = []

    def add(self, gap: Gap) -> None:
        rank = _RANK[gap.kind]
        integration = gap.integration
        entry = self._integrations.get(integration)
        if entry is None:
            entry = self._integrations[integration] = (gap.backup_owner, {})
        counts = entry[1]
        counts[rank] = counts.get(rank, 0) + 1
        identity = gap.identity
        item = (rank, integration, identity or "", identity, gap.detail, gap.identity_id)
        top = self._top
        if len(top) < TOP_ITEMS or item < top[-1]:
            insort(top, item)
            if len(top) > TOP_ITEMS:
                top.pop()

    @property
    def total(self) -> int:
        return sum(sum(counts.values()) for _, counts in self._integrations.values())

    def digest(self, owner: str, cycle: str, *, escalate: bool = False, unacted: int = 0) -> Digest:
        totals: dict[int, int] = {}
        open_integrations = []
        for name, (backup, counts) in sorted(self._integrations.items()):
            open_integrations.append(OpenIntegration(name, backup, _by_urgency(counts)))
            for rank, n in counts.items():
                totals[rank] = totals.get(rank, 0) + n
        items = tuple(
            DigestItem(URGENCY[rank], integration, identity, detail, identity_id)
            for rank, integration, _, identity, detail, identity_id in self._top
        )
        return Digest(
            owner=owner,
            cycle=cycle,
            counts=_by_urgency(totals),
            items=items,
            total=sum(totals.values()),
            integrations=tuple(open_integrations),
            escalate=escalate,
            unacted=unacted,
        )


def build_digest(owner: str, cycle: str, gaps: Iterable[Gap]) -> Digest:
    """A digest from one owner's gaps."""
    draft = DigestDraft()
    for gap in gaps:
        draft.add(gap)
    return draft.digest(owner, cycle)


def with_details(digest: Digest, details: Mapping[int, IdentityDetails]) -> Digest:
    """The digest with what is known of each key or account its items name."""
    items = tuple(
        replace(item, details=details.get(item.identity_id))
        if item.identity_id is not None
        else item
        for item in digest.items
    )
    return replace(digest, items=items)


_RANK = {kind: rank for rank, kind in enumerate(URGENCY)}


def _by_urgency(counts: dict[int, int]) -> dict[GapKind, int]:
    return {URGENCY[rank]: counts[rank] for rank in sorted(counts)}


def describe_counts(counts: dict[GapKind, int]) -> str:
    """`3 undeclared, 1 scim`: the counts in urgency order, for text fallbacks and logs."""
    return ", ".join(f"{n} {kind}" for kind, n in counts.items())
