"""Computing gaps: every open gap in a scope, most urgent first, or streamed for the nudge cycle."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.gaps.counts import gap_counts, total_by_kind
from bot.gaps.keys import KeyIntervals, key_findings
from bot.gaps.model import Gap
from bot.gaps.predicates import Moments
from bot.gaps.rows import identity_rows, rows_of, scope, scope_of_ids
from bot.gaps.rules import findings
from bot.runtime import Runtime


def compute_gaps(
    session: Session,
    *,
    review_days: int,
    now: datetime,
    integration: str | None = None,
    owner: str | None = None,
    unused_days: int = 90,
    admin_review_days: int = 30,
) -> list[Gap]:
    """Every open gap in scope (all integrations, one integration, or one owner's), most
    urgent first. `unused_days` and `admin_review_days` are the non-human identities'
    intervals (`BOUNDARY_UNUSED_DAYS`, `BOUNDARY_ADMIN_REVIEW_DAYS`).

    Identities stream through one pass; only gaps are kept, so memory grows with the
    findings, not with the inventory.
    """
    moment = now
    stale_before = moment - timedelta(days=review_days)
    in_scope = scope(session, integration, owner)
    if not in_scope:
        return []
    rows = identity_rows(session, list(in_scope), stale_before)
    gaps = list(findings(session, in_scope, rows))
    intervals = KeyIntervals(moment, unused_days, admin_review_days)
    gaps.extend(key_findings(session, in_scope, intervals))
    gaps.sort(key=lambda gap: (gap.urgency, gap.integration, gap.identity or ""))
    return gaps


def gaps_of_integrations(
    session: Session,
    *,
    integration_ids: Iterable[int],
    review_days: int,
    now: datetime,
    unused_days: int = 90,
    admin_review_days: int = 30,
) -> Iterable[Gap]:
    """The open gaps of these integrations, streamed in no particular order: what
    `compute_gaps` finds for them, for a caller that knows which integrations it needs and
    summarises as it goes (the nudge cycle: the due owners' integrations, once per cycle), so
    neither a list of every gap nor a sort of it is ever built.

    The rules are those of `compute_gaps` (both run `findings`); tests/nudges/test_planning.py
    checks that both find the same gaps, of every kind.
    """
    in_scope, everything = scope_of_ids(session, set(integration_ids))
    if not in_scope:
        return
    stale_before = now - timedelta(days=review_days)
    yield from findings(
        session, in_scope, rows_of(session, list(in_scope), stale_before, everything=everything)
    )
    yield from key_findings(session, in_scope, KeyIntervals(now, unused_days, admin_review_days))


def open_gaps(
    runtime: Runtime, *, integration: str | None = None, owner: str | None = None
) -> list[Gap]:
    """`compute_gaps` as of now, under the configured review interval, in one reading unit of
    work."""
    with runtime.reading() as session:
        return compute_gaps(
            session,
            review_days=runtime.settings.review_days,
            now=runtime.clock.now(),
            integration=integration,
            owner=owner,
            unused_days=runtime.settings.unused_days,
            admin_review_days=runtime.settings.admin_review_days,
        )


def open_gap_counts(runtime: Runtime) -> dict[str, int]:
    """How many gaps of each kind are open now, over every integration (the metrics' gauge):
    counted in the database (`gap_counts`), never built one by one."""
    with runtime.reading() as session:
        counts = gap_counts(session, moments(runtime))
        return {str(kind): n for kind, n in total_by_kind(counts).items()}


def moments(runtime: Runtime) -> Moments:
    """Now, and the configured intervals the rules judge against."""
    settings = runtime.settings
    return Moments(
        runtime.clock.now(),
        settings.review_days,
        settings.unused_days,
        settings.admin_review_days,
    )
