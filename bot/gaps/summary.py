"""What `/boundary gaps` shows: the open gaps of a scope counted by kind, and the most urgent
few by name, without building the rest (a million identities have two million gaps)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.gaps.compute import moments
from bot.gaps.counts import counted_scope, total_by_kind
from bot.gaps.model import Gap
from bot.gaps.rows import scope
from bot.gaps.slices import first_gaps
from bot.runtime import Runtime
from storage.vocabulary import GapKind


@dataclass(frozen=True)
class GapSummary:
    counts: dict[GapKind, int]  # most urgent kind first
    first: list[Gap]  # the most urgent gaps, in the order of `compute_gaps`

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def gap_summary(
    runtime: Runtime, *, shown: int, integration: str | None = None, owner: str | None = None
) -> GapSummary:
    """The open gaps of every integration, one integration, or one owner's (as owner or
    backup), counted; the first `shown` of them by name. One reading unit of work."""
    at = moments(runtime)
    with runtime.reading() as session:
        ids = None if integration is None and owner is None else scope(session, integration, owner)
        if ids is not None and not ids:
            return GapSummary({}, [])
        counted = counted_scope(session, at, ids)
        counts = total_by_kind({id_: found.kinds for id_, found in counted.items()})
        return GapSummary(counts, first_gaps(session, at, counted, shown))
