"""Signing off an integration (every item decided; its decisions lock) and closing a campaign
(what is still undecided is recorded as unreviewed, and escalated if asked; never hidden)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot.authorization import Actor, require_steward
from bot.campaigns import events
from bot.campaigns.review import unlocked
from bot.errors import Conflict, NotAllowed
from bot.integrations import get_integration
from bot.text import plural
from storage import campaigns as campaign_repo
from storage import integrations as integration_repo
from storage.models import CampaignSignoff
from storage.vocabulary import CloseRule


@dataclass(frozen=True)
class SignedOff:
    campaign: str
    integration: str
    decided: int


@dataclass(frozen=True)
class Unreviewed:
    integration: str
    owner: str
    undecided: int


@dataclass(frozen=True)
class Closed:
    campaign: str
    rule: CloseRule
    decided: int
    total: int
    unreviewed: tuple[Unreviewed, ...] = field(default_factory=tuple)

    @property
    def undecided(self) -> int:
        return self.total - self.decided


def sign_off(
    session: Session, *, actor: Actor, campaign_name: str, integration_name: str, now: datetime
) -> SignedOff:
    """The owner (or backup owner, or an admin) signs off an integration whose items are all
    decided; from then on its decisions in this campaign are locked."""
    campaign = events.get_open_campaign(session, campaign_name)
    integration = get_integration(session, integration_name)
    require_steward(actor, integration)
    unlocked(session, campaign, integration.id or 0)
    totals = campaign_repo.totals(session, campaign_id=campaign.id or 0)
    if integration.id not in totals:
        raise Conflict(f"`{integration.name}` is not in campaign `{campaign.name}`.")
    total = totals[integration.id][1]
    decided = campaign_repo.decided_counts(session, campaign_id=campaign.id or 0).get(
        integration.id, 0
    )
    if decided < total:
        waiting = plural(total - decided, "item")
        raise Conflict(
            f"`{integration.name}` still has {waiting} to decide before it can be signed off."
        )
    detail = {"campaign": campaign.name, "decided": decided}
    seq = events.append_entry(
        session,
        action=events.SIGNED_OFF,
        actor=actor.user_id,
        integration_id=integration.id,
        detail=detail,
        now=now,
    )
    campaign_repo.add_record(
        session,
        record=CampaignSignoff(
            seq=seq,
            campaign_id=campaign.id or 0,
            integration_id=integration.id or 0,
            decided=decided,
            signed_by=actor.user_id,
            signed_at=now,
        ),
    )
    return SignedOff(campaign.name, integration.name, decided)


def close_campaign(
    session: Session, *, actor: Actor, campaign_name: str, rule: CloseRule, now: datetime
) -> Closed:
    """Close a campaign (admins only): its undecided items stay undecided and are named, per
    integration, in the chain entry; with `escalate` the caller tells the escalation channel."""
    if not actor.is_admin:
        raise NotAllowed("Only an admin (BOUNDARY_ADMINS) can close a campaign.")
    campaign = events.get_open_campaign(session, campaign_name)
    totals = campaign_repo.totals(session, campaign_id=campaign.id or 0)
    decided = campaign_repo.decided_counts(session, campaign_id=campaign.id or 0)
    unreviewed: list[Unreviewed] = []
    for integration_id, (name, total) in sorted(totals.items(), key=lambda pair: pair[1][0]):
        waiting = total - decided.get(integration_id, 0)
        if waiting:
            integration = integration_repo.get_by_id(session, integration_id=integration_id)
            owner = integration.owner if integration is not None else ""
            unreviewed.append(Unreviewed(name, owner, waiting))
    detail = {
        "campaign": campaign.name,
        "rule": str(rule),
        "undecided": sum(entry.undecided for entry in unreviewed),
        "unreviewed": {entry.integration: entry.undecided for entry in unreviewed},
    }
    seq = events.append_entry(
        session, action=events.CLOSED, actor=actor.user_id, detail=detail, now=now
    )
    campaign.closed_at, campaign.closed_by, campaign.closed_seq = now, actor.user_id, seq
    campaign.close_rule = rule
    session.add(campaign)
    session.flush()
    total = sum(count for _, count in totals.values())
    return Closed(campaign.name, rule, sum(decided.values()), total, tuple(unreviewed))
