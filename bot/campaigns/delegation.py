"""Delegating campaign items: an owner hands one item, or a whole integration's items, to
another reviewer; the delegation is a chain entry and a record that indexes it."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot import validation
from bot.authorization import Actor, require_steward
from bot.campaigns import events
from bot.campaigns.review import unlocked
from bot.integrations import get_integration
from storage import campaigns as campaign_repo
from storage.models import CampaignDelegation


def delegate(
    session: Session,
    *,
    actor: Actor,
    campaign_name: str,
    integration_name: str,
    reviewer: str,
    identity: str | None = None,
    now: datetime,
) -> str:
    """Hand one item (`identity`) or a whole integration's items to `reviewer` (stewards only);
    returns the reviewer's user id."""
    campaign = events.get_open_campaign(session, campaign_name)
    integration = get_integration(session, integration_name)
    require_steward(actor, integration)
    unlocked(session, campaign, integration.id or 0)
    user = validation.slack_user_id(reviewer)
    item = (
        None
        if identity is None
        else events.find_item(
            session, campaign=campaign, integration=integration.name, identity=identity
        )
    )
    detail = {
        "campaign": campaign.name,
        "item": None if item is None else item.position,
        "external_id": None if item is None else item.external_id,
        "delegate": user,
    }
    seq = events.append_entry(
        session,
        action=events.DELEGATED,
        actor=actor.user_id,
        integration_id=integration.id,
        detail=detail,
        now=now,
    )
    campaign_repo.add_record(
        session,
        record=CampaignDelegation(
            seq=seq,
            campaign_id=campaign.id or 0,
            integration_id=integration.id or 0,
            item_id=None if item is None else item.id,
            delegate=user,
            delegated_by=actor.user_id,
            delegated_at=now,
        ),
    )
    return user
