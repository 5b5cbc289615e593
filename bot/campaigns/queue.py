"""A reviewer's campaign queue: which integrations of a campaign they review, and their items
a page at a time (only those they may decide, never their own identity), with the decisions
recorded so far, for the campaign prompt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.authorization import Actor, may_steward
from bot.campaigns import events
from bot.campaigns.review import unlocked
from bot.campaigns.reviewers import Person, may_decide
from bot.errors import NotAllowed, NotFound
from bot.integrations import get_integration
from storage import campaigns as campaign_repo
from storage import integrations as integration_repo
from storage.models import Campaign, CampaignDelegation, CampaignItem, Integration

PAGE_SIZE = 15


@dataclass(frozen=True)
class ReviewItem:
    """One item as the prompt shows it: the identity as frozen, its lane now, its decision."""

    position: int
    external_id: str
    display_name: str
    email: str | None
    kind: str
    lane: str | None
    decision: str | None = None
    decided_lane: str | None = None
    reason: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True)
class ReviewPage:
    campaign: str
    integration: str
    due_on: date
    items: list[ReviewItem]
    undecided: int  # of the whole integration in this campaign, whoever may decide them
    total: int
    next_after: int | None  # the position after which the next page starts; None: last page
    steward: bool  # may keep the rest and sign off
    signed_off_by: str | None = None

    @property
    def ready_to_sign(self) -> bool:
        return self.steward and self.undecided == 0 and self.signed_off_by is None


def reviewer(session: Session, actor: Actor) -> Person:
    return Person(actor, campaign_repo.slack_email(session, user_id=actor.user_id))


def integrations_to_review(
    session: Session, *, actor: Actor, campaign_name: str, integration: str | None = None
) -> list[str]:
    """The integrations of an open campaign whose items this person reviews (as a steward or a
    delegate) and that are not signed off; one named integration must be one of them."""
    campaign = events.get_open_campaign(session, campaign_name)
    totals = campaign_repo.totals(session, campaign_id=campaign.id or 0)
    signed = campaign_repo.signoffs(session, campaign_id=campaign.id or 0)
    delegated = {
        d.integration_id
        for d in campaign_repo.delegations(session, campaign_id=campaign.id or 0)
        if d.delegate == actor.user_id
    }
    if integration is not None:
        found = get_integration(session, integration)
        if found.id not in totals:
            raise NotFound(f"`{found.name}` is not in campaign `{campaign.name}`.")
        if not (may_steward(actor, found) or found.id in delegated):
            raise NotAllowed(
                f"Only the owner of `{found.name}` ({{owner}}), its backup owner, an admin or a"
                " reviewer it was delegated to can review it.",
                people={"owner": found.owner},
            )
        unlocked(session, campaign, found.id or 0)
        return [found.name]
    names = []
    for integration_id, (name, _) in sorted(totals.items(), key=lambda pair: pair[1][0]):
        found_by_id = integration_repo.get_by_id(session, integration_id=integration_id)
        if found_by_id is None or integration_id in signed:
            continue
        if may_steward(actor, found_by_id) or integration_id in delegated:
            names.append(name)
    return names


def review_page(
    session: Session,
    *,
    actor: Actor,
    campaign_name: str,
    integration: str,
    after: int = 0,
    size: int = PAGE_SIZE,
) -> ReviewPage:
    """The next undecided items this person may decide, after the position `after`."""
    campaign = events.get_open_campaign(session, campaign_name)
    found = get_integration(session, integration)
    person = reviewer(session, actor)
    delegations = campaign_repo.delegations(session, campaign_id=campaign.id or 0)
    waiting = campaign_repo.undecided(
        session, campaign_id=campaign.id or 0, integration_id=found.id or 0
    )
    mine = [
        item
        for item in waiting
        if item.position > after and may_decide(person, found, item, delegations)
    ]
    shown = mine[:size]
    next_after = shown[-1].position if len(mine) > size else None
    return _page(session, campaign, found, actor, shown, next_after)


def page_as_now(
    session: Session,
    *,
    actor: Actor,
    campaign_name: str,
    integration: str,
    positions: Sequence[int],
) -> ReviewPage:
    """A page's items as they are now, decisions included, to update the prompt in place."""
    campaign = events.get_campaign(session, campaign_name)
    found = get_integration(session, integration)
    items = [
        item
        for position in positions
        if (item := campaign_repo.item_at(session, campaign_id=campaign.id or 0, position=position))
        is not None
        and item.integration_id == found.id
    ]
    return _page(session, campaign, found, actor, items, None)


def _page(
    session: Session,
    campaign: Campaign,
    integration: Integration,
    actor: Actor,
    items: Sequence[CampaignItem],
    next_after: int | None,
) -> ReviewPage:
    campaign_id = campaign.id or 0
    total = campaign_repo.totals(session, campaign_id=campaign_id).get(
        integration.id or 0, (integration.name, 0)
    )[1]
    decided = campaign_repo.decided_counts(session, campaign_id=campaign_id)
    signoff = campaign_repo.signoffs(session, campaign_id=campaign_id).get(integration.id or 0)
    ids = [item.id or 0 for item in items]
    decisions = campaign_repo.latest_decisions(session, campaign_id=campaign_id, item_ids=ids)
    lanes = campaign_repo.current_lanes(session, identity_ids=[i.identity_id for i in items])
    rows = []
    for item in items:
        decision = decisions.get(item.id or 0)
        rows.append(
            ReviewItem(
                position=item.position,
                external_id=item.external_id,
                display_name=item.display_name,
                email=item.email,
                kind=str(item.kind),
                lane=lanes.get(item.identity_id),
                decision=None if decision is None else str(decision.decision),
                decided_lane=None if decision is None else str(decision.lane),
                reason=None if decision is None else decision.reason,
                decided_by=None if decision is None else decision.decided_by,
                decided_at=None if decision is None else decision.decided_at,
            )
        )
    return ReviewPage(
        campaign=campaign.name,
        integration=integration.name,
        due_on=campaign.due_on,
        items=rows,
        undecided=total - decided.get(integration.id or 0, 0),
        total=total,
        next_after=next_after,
        steward=may_steward(actor, integration) and campaign.closed_at is None,
        signed_off_by=None if signoff is None else signoff.signed_by,
    )


def item_label(session: Session, *, actor: Actor, campaign_name: str, position: int) -> str:
    """How the decision form names one item, for someone who may decide it (the form opens only
    for them); NotFound, Conflict (locked) or NotAllowed otherwise."""
    campaign = events.get_open_campaign(session, campaign_name)
    item = campaign_repo.item_at(session, campaign_id=campaign.id or 0, position=position)
    if item is None:
        raise NotFound(f"Campaign `{campaign.name}` has no item {position}.")
    integration = unlocked(session, campaign, item.integration_id)
    delegations: Sequence[CampaignDelegation] = campaign_repo.delegations(
        session, campaign_id=campaign.id or 0
    )
    person = reviewer(session, actor)
    if person.is_identity(item):
        raise NotAllowed(
            "Nobody decides their own identity: this item goes to the backup owner or an admin."
        )
    if not may_decide(person, integration, item, delegations):
        raise NotAllowed(
            f"Only the owner of `{integration.name}` ({{owner}}), its backup owner, an admin or"
            " the reviewer it was delegated to can decide it.",
            people={"owner": integration.owner},
        )
    return f"{item.display_name or item.external_id} ({item.integration})"
