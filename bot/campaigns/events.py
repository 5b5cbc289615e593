"""The campaign's entries in the audit chain (their `action`), and finding a campaign by name."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from bot import validation
from bot.errors import Conflict, InvalidInput, NotFound
from bot.identities import find_identity
from storage import campaigns as campaign_repo
from storage import chain
from storage.models import Campaign, CampaignItem

STARTED = "campaign.started"
DECIDED = "campaign.decided"
DELEGATED = "campaign.delegated"
SIGNED_OFF = "campaign.signed_off"
CLOSED = "campaign.closed"


def append_entry(
    session: Session,
    *,
    action: str,
    actor: str,
    detail: dict[str, Any],
    now: datetime,
    integration_id: int | None = None,
) -> int:
    """Append one campaign entry to the audit chain; returns its seq (what the row that
    records it stores)."""
    event = chain.NewEvent(
        at=now, actor=actor, action=action, integration_id=integration_id, detail=detail
    )
    (seq,) = chain.append_events_seq(session, items=[event])
    return seq


def campaign_name(value: str) -> str:
    """A campaign name is a slug, like an integration's (`q1-boundary-review`)."""
    name = value.strip().lower()
    if not validation.NAME_PATTERN.match(name):
        raise InvalidInput(
            "A campaign name is a slug: lowercase letters, digits and dashes, at most 64"
            f" characters (like `q1-boundary-review`); got `{validation.clip(value)}`."
        )
    return name


def get_campaign(session: Session, name: str) -> Campaign:
    found = campaign_repo.get_by_name(session, name=campaign_name(name))
    if found is None:
        raise NotFound(f"No campaign is called `{validation.clip(name)}`.")
    return found


def get_open_campaign(session: Session, name: str) -> Campaign:
    found = get_campaign(session, name)
    if found.closed_at is not None:
        raise Conflict(f"Campaign `{found.name}` is closed; its record can no longer change.")
    return found


def days_left(campaign: Campaign, today: date) -> int:
    """Days until the due date: 0 on the day, negative once overdue."""
    return (campaign.due_on - today).days


def find_item(
    session: Session, *, campaign: Campaign, integration: str, identity: str
) -> CampaignItem:
    """A campaign item by its integration and the identity's external id or email."""
    found = find_identity(session, integration_name=integration, id_or_email=identity)
    item = campaign_repo.item_of_identity(
        session, campaign_id=campaign.id or 0, identity_id=found.id or 0
    )
    if item is None:
        raise NotFound(
            f"`{validation.clip(found.external_id)}` is not in campaign `{campaign.name}`: it was"
            " not active in scope at launch (it shows up as a gap now, and in the next campaign)."
        )
    return item
