"""Who may decide a campaign item: the integration's stewards (owner, backup owner, admins)
and whoever it was delegated to, but never the identity itself (by Slack user, email or
source owner), whose item goes to the backup owner or an admin instead."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.authorization import Actor, may_steward
from storage.models import CampaignDelegation, CampaignItem, Integration


@dataclass(frozen=True)
class Person:
    """The reviewer as the campaign can match them to an identity."""

    actor: Actor
    email: str | None = None

    def is_identity(self, item: CampaignItem) -> bool:
        names = {self.actor.user_id.lower()} | ({self.email} if self.email else set())
        claimed = {
            item.external_id.lower(),
            (item.email or "").lower(),
            (item.owned_by or "").lower(),
        }
        return bool(names & claimed)


def delegate_of(item: CampaignItem, delegations: Sequence[CampaignDelegation]) -> str | None:
    """The reviewer an item was handed to: its own newest delegation, else its integration's."""
    own = [d for d in delegations if d.item_id == item.id]
    if own:
        return own[-1].delegate
    whole = [
        d for d in delegations if d.item_id is None and d.integration_id == item.integration_id
    ]
    return whole[-1].delegate if whole else None


def may_decide(
    person: Person,
    integration: Integration,
    item: CampaignItem,
    delegations: Sequence[CampaignDelegation],
) -> bool:
    if person.is_identity(item):
        return False
    return (
        may_steward(person.actor, integration)
        or delegate_of(item, delegations) == person.actor.user_id
    )


def reviewer_of(integration: Integration, item: CampaignItem, delegate: str | None) -> str | None:
    """Whose queue the item sits in: the delegate, else the owner, else (when the owner is the
    identity) the backup owner; None means it waits for an admin."""
    for candidate in (delegate, integration.owner, integration.backup_owner):
        if candidate and not Person(Actor(candidate)).is_identity(item):
            return candidate
    return None
