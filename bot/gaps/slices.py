"""The most urgent gaps of a scope without computing the rest: the counts (`counts.py`) say
which integrations and kinds hold them, the database picks the first identities of each such
slice in order, and the Python rules build `Gap`s for those identities only.

For the surfaces that show a few gaps by name after the counts: a digest's top items, the
first lines of `/boundary gaps`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from bot.gaps.counts import Counted
from bot.gaps.keys import KeyIntervals, key_findings
from bot.gaps.model import URGENCY, Gap
from bot.gaps.predicates import IDENTITY, Moments, conditions, joined
from bot.gaps.rows import NARROW_SCOPE, conflicting_emails, rows_by_id
from bot.gaps.rules import integration_findings, row_findings
from storage.vocabulary import GapKind

_RANK = {kind: rank for rank, kind in enumerate(URGENCY)}
_OF_INTEGRATIONS = frozenset({GapKind.ORPHAN, GapKind.SSO, GapKind.SCIM})
_OF_KEYS = frozenset({GapKind.UNUSED, GapKind.OWNERLESS, GapKind.OWNER_LEFT, GapKind.ADMIN_KEY})
# Integrations per statement, when the slices cover at most `_CHUNKED` integrations; over
# that, one pass over every identity reads less than the chunks' index lookups.
_CHUNK = 500
_CHUNKED = 10 * _CHUNK


def first_slices(counted: Mapping[int, Counted], limit: int) -> dict[GapKind, set[int]]:
    """Which (kind, integration) slices hold the first `limit` gaps of these integrations in
    the order of `compute_gaps`: urgency, then integration name, then identity."""
    ordered = sorted(
        (_RANK[kind], found.owning.name, integration_id, n)
        for integration_id, found in counted.items()
        for kind, n in found.kinds.items()
    )
    wanted: dict[GapKind, set[int]] = defaultdict(set)
    left = limit
    for rank, _, integration_id, n in ordered:
        if left <= 0:
            break
        wanted[URGENCY[rank]].add(integration_id)
        left -= n
    return wanted


def slice_gaps(
    session: Session,
    moments: Moments,
    counted: Mapping[int, Counted],
    wanted: Mapping[GapKind, set[int]],
    limit: int,
) -> Iterator[Gap]:
    """For each kind, the first `limit` gaps (by identity) of each integration in
    `wanted[kind]`; integration-level kinds are the integration's own gap."""
    picked: dict[int, set[GapKind]] = defaultdict(set)
    for kind, integration_ids in wanted.items():
        if kind in _OF_INTEGRATIONS:
            for integration_id in integration_ids:
                found = counted[integration_id]
                gaps = integration_findings(found.owning, found.humans)
                yield from (gap for gap in gaps if gap.kind == kind)
            continue
        for identity_id in _first_identities(session, moments, kind, integration_ids, limit):
            picked[identity_id].add(kind)
    yield from _identity_gaps(session, moments, counted, picked)


def _first_identities(
    session: Session, moments: Moments, kind: GapKind, integration_ids: set[int], limit: int
) -> Iterator[int]:
    """The ids of the first `limit` identities by external id (byte order on both backends, as
    Python sorts) of each integration that have a gap of this kind: a window over the kind's
    condition, partitioned by integration."""
    i = IDENTITY
    external_id: Any = i.c.external_id
    if session.get_bind().dialect.name == "postgresql":
        external_id = sa.collate(external_id, "C")
    ids = sorted(integration_ids)
    narrow = len(ids) <= NARROW_SCOPE
    place = sa.func.row_number().over(partition_by=i.c.integration_id, order_by=external_id)
    inner = joined(sa.select(i.c.id, i.c.integration_id, place.label("place"))).where(
        conditions(moments, ids if narrow else None)[kind]
    )
    # Few integrations: chunks of them through the integration index; many: one pass.
    chunks: list[list[int] | None] = [None]
    if len(ids) <= _CHUNKED:
        chunks = [ids[start : start + _CHUNK] for start in range(0, len(ids), _CHUNK)]
    for chunk in chunks:
        query = inner if chunk is None else inner.where(i.c.integration_id.in_(chunk))
        numbered = query.subquery()
        rows = session.execute(
            sa.select(numbered.c.id, numbered.c.integration_id).where(numbered.c.place <= limit)
        )
        yield from (row.id for row in rows if row.integration_id in integration_ids)


def _identity_gaps(
    session: Session,
    moments: Moments,
    counted: Mapping[int, Counted],
    picked: dict[int, set[GapKind]],
) -> Iterator[Gap]:
    """The picked kinds' gaps of the picked identities, by the Python rules."""
    if not picked:
        return
    ids = sorted(picked)
    scope = {integration_id: found.owning for integration_id, found in counted.items()}
    wanted = {kind for kinds in picked.values() for kind in kinds}
    if wanted - _OF_KEYS:
        conflicts: dict[str, dict[str, list[str]]] = {}
        if GapKind.CROSS_LANE in wanted:
            narrow = list(scope) if len(scope) <= NARROW_SCOPE else None
            conflicts = conflicting_emails(session, narrow)
        rows = rows_by_id(session, ids, moments.now - timedelta(days=moments.review_days))
        found = row_findings(scope, rows, conflicts, Counter())
        yield from (gap for gap in found if gap.kind in picked[gap.identity_id or 0])
    if wanted & _OF_KEYS:
        intervals = KeyIntervals(moments.now, moments.unused_days, moments.admin_review_days)
        keys = key_findings(session, scope, intervals, ids)
        yield from (gap for gap in keys if gap.kind in picked[gap.identity_id or 0])


def first_gaps(
    session: Session, moments: Moments, counted: Mapping[int, Counted], limit: int
) -> list[Gap]:
    """The first `limit` gaps of these integrations, as `compute_gaps` orders them."""
    wanted = first_slices(counted, limit)
    found = sorted(
        slice_gaps(session, moments, counted, wanted, limit),
        key=lambda gap: (gap.urgency, gap.integration, gap.identity or ""),
    )
    return found[:limit]
