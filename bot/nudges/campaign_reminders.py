"""Campaign reminders in the nudge digest: who owes an open campaign, and on which of their
local days its lines lead their digest (7 and 2 days before, on the day, then daily overdue).

Counted with a few aggregate queries per cycle over the open campaigns, whatever the number of
items or owners: a campaign can freeze 100k items, and a cycle plans thousands of digests.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, func

from bot.campaigns.progress import reminder_due
from bot.nudges.digest import CampaignReminder, Digest
from bot.nudges.schedule import Due
from storage.models import (
    Campaign,
    CampaignDecision,
    CampaignDelegation,
    CampaignItem,
    CampaignSignoff,
    Integration,
)


@dataclass(frozen=True)
class _Owed:
    """One integration of an open campaign, not signed off, and the people it waits on."""

    campaign: str
    due_on: date
    integration: str
    decided: int
    total: int
    owner: str | None
    backup_owner: str | None
    delegate: str | None

    @property
    def people(self) -> frozenset[str]:
        return frozenset(p for p in (self.owner, self.backup_owner, self.delegate) if p)


def _open_pairs(session: Session) -> list[tuple[int, str, date, int, str, int]]:
    """(campaign id, campaign, due, integration id, integration as frozen, items) of every
    integration of an open campaign that is not signed off: one GROUP BY on the item index."""
    signed = sa.exists().where(
        col(CampaignSignoff.campaign_id) == col(CampaignItem.campaign_id),
        col(CampaignSignoff.integration_id) == col(CampaignItem.integration_id),
    )
    query = (
        sa.select(
            col(Campaign.id),
            col(Campaign.name),
            col(Campaign.due_on),
            col(CampaignItem.integration_id),
            col(CampaignItem.integration),
            func.count(),
        )
        .join(Campaign, col(Campaign.id) == col(CampaignItem.campaign_id))
        .where(col(Campaign.closed_at).is_(None), ~signed)
        .group_by(
            col(Campaign.id),
            col(Campaign.name),
            col(Campaign.due_on),
            col(CampaignItem.integration_id),
            col(CampaignItem.integration),
        )
    )
    return [tuple(row) for row in session.execute(query)]


def _decided(session: Session, campaign_ids: Collection[int]) -> dict[tuple[int, int], int]:
    """Distinct decided items per (campaign, integration)."""
    query = (
        sa.select(
            col(CampaignDecision.campaign_id),
            col(CampaignDecision.integration_id),
            func.count(sa.distinct(col(CampaignDecision.item_id))),
        )
        .where(col(CampaignDecision.campaign_id).in_(campaign_ids))
        .group_by(col(CampaignDecision.campaign_id), col(CampaignDecision.integration_id))
    )
    return {(row[0], row[1]): row[2] for row in session.execute(query)}


def _delegates(session: Session, campaign_ids: Collection[int]) -> dict[tuple[int, int], str]:
    """Who each integration was delegated to whole (a later delegation replaces an earlier)."""
    query = (
        sa.select(
            col(CampaignDelegation.campaign_id),
            col(CampaignDelegation.integration_id),
            col(CampaignDelegation.delegate),
        )
        .where(
            col(CampaignDelegation.campaign_id).in_(campaign_ids),
            col(CampaignDelegation.item_id).is_(None),
        )
        .order_by(col(CampaignDelegation.seq))
    )
    return {(row[0], row[1]): row[2] for row in session.execute(query)}


def owed(session: Session) -> list[_Owed]:
    """Every integration of an open campaign not signed off yet, with who it waits on: its
    owner and backup owner now, and whoever it was delegated to whole (bot/campaigns/progress's
    `owed_by`, for everyone at once)."""
    pairs = _open_pairs(session)
    if not pairs:
        return []
    campaign_ids = sorted({pair[0] for pair in pairs})
    decided = _decided(session, campaign_ids)
    delegates = _delegates(session, campaign_ids)
    integration_ids = sorted({pair[3] for pair in pairs})
    people = {
        row.id: (row.owner, row.backup_owner)
        for row in session.execute(
            sa.select(
                col(Integration.id), col(Integration.owner), col(Integration.backup_owner)
            ).where(col(Integration.id).in_(integration_ids))
        )
    }
    found = []
    for campaign_id, campaign, due_on, integration_id, integration, total in pairs:
        owner, backup = people.get(integration_id, (None, None))
        delegate = delegates.get((campaign_id, integration_id))
        found.append(
            _Owed(
                campaign=campaign,
                due_on=due_on,
                integration=integration,
                decided=decided.get((campaign_id, integration_id), 0),
                total=total,
                owner=owner,
                backup_owner=backup,
                delegate=delegate,
            )
        )
    return found


def reviewers(session: Session) -> set[str]:
    """Everyone an open campaign waits on: planned like owners, even if they own nothing."""
    return {person for row in owed(session) for person in row.people}


def reminders(
    session: Session, *, cycles: Mapping[str, str], reminder_days: tuple[int, ...]
) -> dict[str, tuple[CampaignReminder, ...]]:
    """The campaign lines of each owner whose cycle (their local date, as the ledger keys it)
    is a reminder day of a campaign they owe: soonest due first, overdue ones leading."""
    lines: dict[str, list[CampaignReminder]] = defaultdict(list)
    for row in owed(session):
        for person in row.people:
            cycle = cycles.get(person)
            if cycle is None:
                continue
            days_left = (row.due_on - date.fromisoformat(cycle)).days
            if reminder_due(days_left, reminder_days):
                lines[person].append(
                    CampaignReminder(
                        campaign=row.campaign,
                        integration=row.integration,
                        decided=row.decided,
                        total=row.total,
                        days_left=days_left,
                        backup_owner=row.backup_owner if row.backup_owner != person else None,
                        as_backup=person not in (row.owner, row.delegate),
                    )
                )
    return {
        person: tuple(sorted(found, key=lambda r: (r.days_left, r.campaign, r.integration)))
        for person, found in lines.items()
    }


def of_cycles(
    session: Session, due: Mapping[str, Due], reminder_days: tuple[int, ...]
) -> dict[str, tuple[CampaignReminder, ...]]:
    """`reminders` for the owners being sent to in this cycle, each on their own local date."""
    cycles = {owner: when.cycle for owner, when in due.items()}
    return reminders(session, cycles=cycles, reminder_days=reminder_days)


def with_reminders(digest: Digest, lines: tuple[CampaignReminder, ...]) -> Digest:
    """The digest led by its campaign lines. Before a due date, campaign lines alone never
    escalate; once one the owner holds (not only backs up) is overdue, an unacted streak
    escalates as gaps do."""
    escalate = digest.escalate and (digest.total > 0 or any(line.escalates for line in lines))
    return replace(digest, campaigns=lines, escalate=escalate)
