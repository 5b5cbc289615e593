"""Counting open gaps in the database: how many of each kind each integration has, in one
aggregate over the identities, without building a `Gap` per finding.

For the surfaces that show counts (the metrics gauge, `who <integration>`, the summaries of
`/boundary gaps`, the App Home and the nudge digests). The integration-level kinds (`orphan`,
`sso`, `scim`) are the Python rules of `rules.py`, run on the counted active humans.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from bot.gaps.model import URGENCY, Owning
from bot.gaps.predicates import IDENTITY, Moments, counting_conditions, joined
from bot.gaps.rows import NARROW_SCOPE, owning_query, scope_rows
from bot.gaps.rules import integration_findings
from storage.vocabulary import GapKind, Layer

# The counted columns: per kind, one SUM(CASE WHEN condition THEN 1 ELSE 0 END). These are
# counted as they are; `lane-mismatch`, `ownerless` and `owner-left` are worked out.
_COUNTED = {
    str(kind): kind
    for kind in (
        GapKind.UNDECLARED,
        GapKind.REMOVE,
        GapKind.STALE,
        GapKind.CROSS_LANE,
        GapKind.UNUSED,
        GapKind.ADMIN_KEY,
    )
}
_MISMATCH = {
    Layer.APPLICATION.value: "mismatch-workforce",
    Layer.PLATFORM.value: "mismatch-customer",
}


def _aggregate(moments: Moments, scope: Collection[int] | None) -> Any:
    narrow = sorted(scope) if scope is not None and len(scope) <= NARROW_SCOPE else None
    owner, found = counting_conditions(moments, narrow)
    columns = [
        sa.func.sum(sa.case((condition, 1), else_=0)).label(str(name))
        for name, condition in found.items()
    ]
    state = owner.label("owner_state")
    query = joined(sa.select(IDENTITY.c.integration_id, state, *columns)).group_by(
        IDENTITY.c.integration_id, state
    )
    if narrow is not None:
        query = query.where(IDENTITY.c.integration_id.in_(narrow))
    return query


@dataclass(frozen=True)
class Counted:
    """One integration in scope: itself, its active humans, and its open gaps by kind."""

    owning: Owning
    humans: int
    kinds: dict[GapKind, int]


def gap_counts(
    session: Session, moments: Moments, integration_ids: Collection[int] | None = None
) -> dict[int, dict[GapKind, int]]:
    """For each integration in scope (every integration when `integration_ids` is None), how
    many open gaps of each kind it has, most urgent kind first; integrations without any are
    left out. The same counts as `count_by_kind(compute_gaps(...))` per integration."""
    counted = counted_scope(session, moments, integration_ids)
    return {id_: found.kinds for id_, found in counted.items() if found.kinds}


def counted_scope(
    session: Session, moments: Moments, integration_ids: Collection[int] | None = None
) -> dict[int, Counted]:
    """`gap_counts`, with every integration in scope and its active humans."""
    scope = scope_rows(session, owning_query(), integration_ids)
    if not scope:
        return {}
    counted: dict[int, list[Any]] = {}
    for row in session.execute(_aggregate(moments, integration_ids)):
        if row.integration_id in scope:
            # Plain dicts: each is read a dozen times, and a RowMapping lookup costs more.
            counted.setdefault(row.integration_id, []).append(dict(row._mapping))
    found: dict[int, Counted] = {}
    for integration_id, owning in scope.items():
        rows = counted.get(integration_id, [])
        humans = sum(int(row["human"] or 0) for row in rows)
        found[integration_id] = Counted(owning, humans, _kinds(owning, humans, rows))
    return found


def _kinds(owning: Owning, humans: int, rows: list[Any]) -> dict[GapKind, int]:
    tally: Counter[GapKind] = Counter()
    for row in rows:
        for name, kind in _COUNTED.items():
            tally[kind] += int(row[name] or 0)
        mismatch = _MISMATCH.get(owning.layer)
        if mismatch is not None:
            tally[GapKind.LANE_MISMATCH] += int(row[mismatch] or 0)
        _owner_kinds(tally, row)
    for gap in integration_findings(owning, humans):
        tally[gap.kind] += 1
    return {kind: tally[kind] for kind in URGENCY if tally[kind]}


def _owner_kinds(tally: Counter[GapKind], row: Any) -> None:
    """`ownerless` and `owner-left` from the named owner's state, as `keys._rules` decides."""
    state = row["owner_state"]
    if state == "n":
        tally[GapKind.OWNERLESS] += int(row["key"] or 0)
    elif state == "i":
        tally[GapKind.OWNER_LEFT] += int(row["key"] or 0)
    elif state is None:
        tally[GapKind.OWNERLESS] += int(row["unnamed"] or 0)
        tally[GapKind.OWNER_LEFT] += int(row["named"] or 0)


def total_by_kind(counts: dict[int, dict[GapKind, int]]) -> dict[GapKind, int]:
    """The counts of every integration added up, most urgent kind first."""
    tally: Counter[GapKind] = Counter()
    for kinds in counts.values():
        tally.update(kinds)
    return {kind: tally[kind] for kind in URGENCY if tally[kind]}
