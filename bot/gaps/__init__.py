"""Gaps: findings computed from the data on demand, never stored as truth.

`model` says what a gap is, `rows` reads what the rules need, `rules` holds the rules of every
kind but those of keys, service accounts and bots, which are in `keys`; `compute` runs them
over a scope."""

from bot.gaps.compute import compute_gaps, gaps_of_integrations, open_gap_counts, open_gaps
from bot.gaps.model import SCIM_WHY, URGENCY, Gap, count_by_kind

__all__ = [
    "SCIM_WHY",
    "URGENCY",
    "Gap",
    "compute_gaps",
    "count_by_kind",
    "gaps_of_integrations",
    "open_gap_counts",
    "open_gaps",
]
