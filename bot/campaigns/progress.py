"""Campaign progress: per integration and owner, decided of total, overdue, signed off (for
`campaign status` and App Home), and what one person still owes (for digests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.campaigns import events
from storage import campaigns as campaign_repo
from storage import integrations as integration_repo
from storage.models import Campaign


@dataclass(frozen=True)
class IntegrationProgress:
    integration: str
    owner: str
    total: int
    decided: int
    signed_off_by: str | None = None
    delegate: str | None = None

    @property
    def signed_off(self) -> bool:
        return self.signed_off_by is not None


@dataclass(frozen=True)
class CampaignProgress:
    name: str
    due_on: date
    started_by: str
    started_at: datetime
    population: int
    root: str
    days_left: int
    closed_at: datetime | None
    close_rule: str | None
    stale_reason: str | None
    integrations: tuple[IntegrationProgress, ...]

    @property
    def decided(self) -> int:
        return sum(row.decided for row in self.integrations)

    @property
    def signed_off(self) -> int:
        return sum(1 for row in self.integrations if row.signed_off)

    @property
    def overdue(self) -> bool:
        return self.closed_at is None and self.days_left < 0


@dataclass(frozen=True)
class Owed:
    """One integration of an open campaign that waits on this person."""

    campaign: str
    due_on: date
    days_left: int
    integration: str
    undecided: int
    total: int

    @property
    def ready_to_sign(self) -> bool:
        return self.undecided == 0


def campaign_status(session: Session, *, name: str | None, today: date) -> list[CampaignProgress]:
    """One campaign by name, or every campaign still open (soonest due first)."""
    chosen = [events.get_campaign(session, name)] if name else campaign_repo.open_campaigns(session)
    return [progress_of(session, campaign, today) for campaign in chosen]


def progress_of(session: Session, campaign: Campaign, today: date) -> CampaignProgress:
    campaign_id = campaign.id or 0
    totals = campaign_repo.totals(session, campaign_id=campaign_id)
    decided = campaign_repo.decided_counts(session, campaign_id=campaign_id)
    signoffs = campaign_repo.signoffs(session, campaign_id=campaign_id)
    whole = {
        d.integration_id: d.delegate
        for d in campaign_repo.delegations(session, campaign_id=campaign_id)
        if d.item_id is None
    }
    rows = []
    for integration_id, (name, total) in sorted(totals.items(), key=lambda pair: pair[1][0]):
        integration = integration_repo.get_by_id(session, integration_id=integration_id)
        signoff = signoffs.get(integration_id)
        rows.append(
            IntegrationProgress(
                integration=name,
                owner=integration.owner if integration is not None else "",
                total=total,
                decided=decided.get(integration_id, 0),
                signed_off_by=signoff.signed_by if signoff is not None else None,
                delegate=whole.get(integration_id),
            )
        )
    return CampaignProgress(
        name=campaign.name,
        due_on=campaign.due_on,
        started_by=campaign.started_by,
        started_at=campaign.started_at,
        population=campaign.population_count,
        root=campaign.population_root,
        days_left=events.days_left(campaign, today),
        closed_at=campaign.closed_at,
        close_rule=None if campaign.close_rule is None else str(campaign.close_rule),
        stale_reason=campaign.stale_reason,
        integrations=tuple(rows),
    )


def owed_by(session: Session, *, user_id: str, today: date) -> list[Owed]:
    """Integrations of open campaigns this person must decide or sign off: the ones they own,
    back up, or were delegated whole, that are not signed off yet. Soonest due first."""
    owed: list[Owed] = []
    for campaign in campaign_repo.open_campaigns(session):
        for row in progress_of(session, campaign, today).integrations:
            mine = user_id in (row.owner, row.delegate) or _backs_up(session, row, user_id)
            if mine and not row.signed_off:
                owed.append(
                    Owed(
                        campaign=campaign.name,
                        due_on=campaign.due_on,
                        days_left=events.days_left(campaign, today),
                        integration=row.integration,
                        undecided=row.total - row.decided,
                        total=row.total,
                    )
                )
    return owed


def _backs_up(session: Session, row: IntegrationProgress, user_id: str) -> bool:
    integration = integration_repo.get_by_name(session, name=row.integration)
    return integration is not None and integration.backup_owner == user_id


def reminder_due(days_left: int, reminder_days: tuple[int, ...]) -> bool:
    """Whether a campaign's reminder leads today's digest: on each configured day before the
    due date (0 is the day itself), then every day while it is overdue."""
    return days_left < 0 or days_left in reminder_days
