"""Planning a cycle: which owners are due in their own time zone, and what each one is told.

Planning reads and never writes; the ledger decides who sends.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from bot.gaps import gaps_of_integrations
from bot.identity_details import details_for
from bot.nudges import ledger
from bot.nudges.digest import Digest, DigestDraft, with_details
from bot.nudges.escalation import streaks
from bot.nudges.messenger import Person
from bot.nudges.schedule import Due, due, zone
from storage.models import Integration, Snooze


@dataclass
class Plan:
    digests: list[Digest] = field(default_factory=list)
    nothing_open: list[str] = field(default_factory=list)
    snoozed: list[str] = field(default_factory=list)
    inactive: list[str] = field(default_factory=list)
    handled: int = 0  # already sent this cycle, being sent by another replica, or given up on
    not_due: int = 0


def owners(session: Session) -> list[str]:
    """Everyone who owns an integration whose owner is not known to be gone."""
    query = (
        sa.select(col(Integration.owner))
        .where(col(Integration.owner_active).is_(True))
        .distinct()
        .order_by(col(Integration.owner))
    )
    return list(session.execute(query).scalars())


def integrations_of(session: Session, *, owners: Collection[str]) -> list[int]:
    """The ids of the integrations these people own (one scan: the set can be thousands)."""
    query = sa.select(col(Integration.id), col(Integration.owner))
    return [row.id for row in session.execute(query) if row.owner in owners]


def snoozed_until(session: Session, *, after: datetime) -> dict[str, datetime]:
    """When each owner's snooze ends, for the snoozes that run past `after`."""
    query = sa.select(col(Snooze.owner), col(Snooze.until)).where(col(Snooze.until) > after)
    ends: dict[str, datetime] = {}
    for owner, until in session.execute(query):
        ends[owner] = max(until, ends.get(owner, until))
    return ends


def due_owners(
    candidates: list[str],
    people: Mapping[str, Person],
    *,
    schedule: str,
    now: datetime,
    force: bool,
) -> dict[str, Due]:
    """The owners due at `now` and their cycle keys; one evaluation per time zone."""
    by_zone: dict[str | None, Due | None] = {}
    found: dict[str, Due] = {}
    for owner in candidates:
        person = people.get(owner)
        tz_name = person.tz if person is not None else None
        if tz_name not in by_zone:
            by_zone[tz_name] = due(schedule, zone(tz_name), now, force=force)
        when = by_zone[tz_name]
        if when is not None:
            found[owner] = when
    return found


def plan_cycle(
    session: Session,
    *,
    schedule: str,
    review_days: int,
    escalate_after: int,
    people: Mapping[str, Person],
    now: datetime,
    force: bool = False,
    lease: timedelta = ledger.CLAIM_LEASE,
    candidates: Sequence[str] | None = None,
    unused_days: int = 90,
    admin_review_days: int = 30,
) -> Plan:
    """Who is due at `now`, and what each of them is told. `candidates` are the owners when
    the caller has just read them (`owners`)."""
    plan = Plan()
    active = []
    for owner in owners(session) if candidates is None else candidates:
        person = people.get(owner)
        if person is not None and not person.is_active:
            plan.inactive.append(owner)
        else:
            active.append(owner)
    due_now = due_owners(active, people, schedule=schedule, now=now, force=force)
    plan.not_due = len(active) - len(due_now)
    existing = ledger.rows_for(session, keys=((o, d.cycle) for o, d in due_now.items()))
    open_to_send: dict[str, Due] = {}
    for owner, when in due_now.items():
        if ledger.claimable(existing.get((owner, when.cycle)), now=now, lease=lease):
            open_to_send[owner] = when
        else:
            plan.handled += 1
    _drop_snoozed(session, plan, open_to_send)
    if not open_to_send:
        return plan  # the common tick: nobody due, so the gaps are not computed at all
    drafts = _drafts(
        session,
        open_to_send,
        review_days=review_days,
        now=now,
        unused_days=unused_days,
        admin_review_days=admin_review_days,
    )
    plan.nothing_open = sorted(owner for owner in open_to_send if owner not in drafts)
    with_items = sorted(drafts)
    streak = streaks(session, owners=with_items, limit=escalate_after)
    for owner in with_items:
        unacted = streak[owner].unacted
        plan.digests.append(
            drafts[owner].digest(
                owner,
                open_to_send[owner].cycle,
                escalate=unacted >= escalate_after and not streak[owner].escalated,
                unacted=unacted,
            )
        )
    plan.digests = _with_details(session, plan.digests, now)
    return plan


def _with_details(session: Session, digests: list[Digest], now: datetime) -> list[Digest]:
    """The digests with what is known of each key they name, read once for all of them."""
    named = [i.identity_id for d in digests for i in d.items if i.identity_id is not None]
    details = details_for(session, named, now=now)
    return [with_details(digest, details) for digest in digests]


def _drop_snoozed(session: Session, plan: Plan, open_to_send: dict[str, Due]) -> None:
    """A snooze covers each cycle scheduled before it ends, catch-up ticks included: the next
    digest comes at the owner's next scheduled time, not minutes after the snooze ends."""
    if not open_to_send:
        return
    earliest = min(when.fire_time for when in open_to_send.values())
    ends = snoozed_until(session, after=earliest)
    plan.snoozed = sorted(
        owner
        for owner, when in open_to_send.items()
        if owner in ends and ends[owner] > when.fire_time
    )
    for owner in plan.snoozed:
        del open_to_send[owner]


def _drafts(
    session: Session,
    open_to_send: dict[str, Due],
    *,
    review_days: int,
    now: datetime,
    unused_days: int,
    admin_review_days: int,
) -> dict[str, DigestDraft]:
    """The gaps of the owners being sent to, computed once for all of them (not per owner, and
    not for the integrations of owners who are not due) and summarised as they stream past."""
    drafts: dict[str, DigestDraft] = {}
    for gap in gaps_of_integrations(
        session,
        integration_ids=integrations_of(session, owners=open_to_send),
        review_days=review_days,
        now=now,
        unused_days=unused_days,
        admin_review_days=admin_review_days,
    ):
        draft = drafts.get(gap.owner)
        if draft is None:
            draft = drafts[gap.owner] = DigestDraft()
        draft.add(gap)
    return drafts
