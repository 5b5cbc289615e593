"""What the App Home's Campaigns section shows one person: the integrations of open campaigns
that wait on them, and, for an admin, every open campaign's overall progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from bot.authorization import Actor
from bot.campaigns.progress import CampaignProgress, Owed, campaign_status, owed_by


@dataclass(frozen=True)
class CampaignHome:
    owed: list[Owed] = field(default_factory=list)
    # Every open campaign's progress; only an admin is shown it.
    overall: list[CampaignProgress] = field(default_factory=list)


def campaign_home(session: Session, *, actor: Actor, today: date) -> CampaignHome:
    owed = owed_by(session, user_id=actor.user_id, today=today)
    overall = campaign_status(session, name=None, today=today) if actor.is_admin else []
    return CampaignHome(owed=owed, overall=overall)
