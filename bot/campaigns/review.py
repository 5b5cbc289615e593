"""Deciding campaign items (keep, change, remove), one at a time or every remaining one of an
integration, and delegating them. Each decision is a chain entry, a record that indexes it,
and a declaration of the lane it leaves, so the lane shown everywhere is the decided one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot import validation
from bot.authorization import Actor, require_steward
from bot.campaigns import events
from bot.campaigns.reviewers import Person, may_decide
from bot.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.integrations import get_integration
from storage import campaigns as campaign_repo
from storage import chain
from storage import integrations as integration_repo
from storage.models import Campaign, CampaignDecision, CampaignItem, Integration
from storage.vocabulary import Answer, Decision

MAX_NOTE = validation.MAX_NOTE


@dataclass(frozen=True)
class Decided:
    campaign: str
    integration: str
    count: int
    decision: Decision
    skipped_undeclared: int = 0
    skipped_own: int = 0


def decide(
    session: Session,
    *,
    actor: Actor,
    campaign_name: str,
    position: int,
    decision: Decision,
    lane: Answer | None = None,
    reason: str | None = None,
    now: datetime,
) -> Decided:
    """Record one reviewer's decision on one item. `change` needs the new lane; `change` and
    `remove` need a reason; `keep` needs the identity to have a lane."""
    campaign = events.get_open_campaign(session, campaign_name)
    item = campaign_repo.item_at(session, campaign_id=campaign.id or 0, position=position)
    if item is None:
        raise NotFound(f"Campaign `{campaign.name}` has no item {position}.")
    integration = unlocked(session, campaign, item.integration_id)
    person = Person(actor, campaign_repo.slack_email(session, user_id=actor.user_id))
    delegations = campaign_repo.delegations(session, campaign_id=campaign.id or 0)
    if not may_decide(person, integration, item, delegations):
        raise _refusal(person, integration, item)
    previous = campaign_repo.current_lanes(session, identity_ids=[item.identity_id])[
        item.identity_id
    ]
    result = resulting_lane(decision, lane, previous, validation.note(reason), item.external_id)
    _record(
        session, campaign, [(item, previous, result)], decision, actor, validation.note(reason), now
    )
    return Decided(campaign.name, integration.name, 1, decision)


def decide_remaining(
    session: Session,
    *,
    actor: Actor,
    campaign_name: str,
    integration_name: str,
    reason: str | None = None,
    now: datetime,
) -> Decided:
    """Keep the lane of every undecided item of one integration that has a lane (stewards
    only). Items with no lane, and the reviewer's own identities, are left for one by one."""
    campaign = events.get_open_campaign(session, campaign_name)
    integration = get_integration(session, integration_name)
    require_steward(actor, integration)
    unlocked(session, campaign, integration.id or 0)
    person = Person(actor, campaign_repo.slack_email(session, user_id=actor.user_id))
    waiting = campaign_repo.undecided(
        session, campaign_id=campaign.id or 0, integration_id=integration.id or 0
    )
    lanes = campaign_repo.current_lanes(
        session, identity_ids=[item.identity_id for item in waiting]
    )
    chosen: list[tuple[CampaignItem, str | None, Answer]] = []
    undeclared = own = 0
    for item in waiting:
        lane = lanes.get(item.identity_id)
        if person.is_identity(item):
            own += 1
        elif lane is None:
            undeclared += 1
        else:
            chosen.append((item, lane, Answer(lane)))
    _record(session, campaign, chosen, Decision.KEEP, actor, validation.note(reason), now)
    return Decided(campaign.name, integration.name, len(chosen), Decision.KEEP, undeclared, own)


def resulting_lane(
    decision: Decision, lane: Answer | None, previous: str | None, reason: str | None, label: str
) -> Answer:
    if decision is Decision.KEEP:
        if previous is None:
            raise InvalidInput(
                f"`{validation.clip(label)}` has no lane to keep: choose one (change)."
            )
        return Answer(previous)
    if reason is None:
        raise InvalidInput(f"A decision to {decision} needs a reason.")
    if decision is Decision.REMOVE:
        return Answer.REMOVE
    if lane is None or lane is Answer.REMOVE:
        raise InvalidInput("A change names the new lane: workforce or customer.")
    if str(lane) == previous:
        raise InvalidInput(f"`{validation.clip(label)}` is already {lane}: keep it instead.")
    return lane


def unlocked(session: Session, campaign: Campaign, integration_id: int) -> Integration:
    integration = integration_repo.get_by_id(session, integration_id=integration_id)
    if integration is None:
        raise NotFound("That integration no longer exists.")
    if integration_id in campaign_repo.signoffs(session, campaign_id=campaign.id or 0):
        raise Conflict(
            f"`{integration.name}` is signed off in campaign `{campaign.name}`: its decisions"
            " are locked."
        )
    return integration


def _refusal(person: Person, integration: Integration, item: CampaignItem) -> NotAllowed:
    if person.is_identity(item):
        return NotAllowed(
            "Nobody decides their own identity: this item goes to the backup owner or an admin."
        )
    return NotAllowed(
        f"Only the owner of `{integration.name}` ({{owner}}), its backup owner, an admin or"
        " the reviewer it was delegated to can decide it.",
        people={"owner": integration.owner},
    )


def _record(
    session: Session,
    campaign: Campaign,
    chosen: Sequence[tuple[CampaignItem, str | None, Answer]],
    decision: Decision,
    actor: Actor,
    reason: str | None,
    now: datetime,
) -> None:
    """The chain entries, their records and the declarations, in one unit of work."""
    if not chosen:
        return
    seqs = chain.append_events_seq(
        session,
        items=[
            chain.NewEvent(
                at=now,
                actor=actor.user_id,
                action=events.DECIDED,
                integration_id=item.integration_id,
                detail=decided_detail(campaign, item, decision, previous, lane, reason),
            )
            for item, previous, lane in chosen
        ],
    )
    rows: list[dict[str, Any]] = []
    for seq, (item, previous, lane) in zip(seqs, chosen, strict=True):
        rows.append(
            {
                "seq": seq,
                "campaign_id": campaign.id,
                "item_id": item.id,
                "integration_id": item.integration_id,
                "decision": decision,
                "previous": None if previous is None else Answer(previous),
                "lane": lane,
                "reason": reason,
                "decided_by": actor.user_id,
                "decided_at": now,
            }
        )
    campaign_repo.add_records(session, table=CampaignDecision, rows=rows)
    note = f"campaign {campaign.name}: {reason or 'kept'}"[:MAX_NOTE]
    chain.append(
        session,
        items=[
            chain.NewDeclaration(
                identity_id=item.identity_id,
                integration_id=item.integration_id,
                answer=lane,
                declared_by=actor.user_id,
                declared_at=now,
                note=note,
            )
            for item, _, lane in chosen
        ],
    )


def decided_detail(
    campaign: Campaign,
    item: CampaignItem,
    decision: Decision,
    previous: str | None,
    lane: Answer,
    reason: str | None,
) -> dict[str, Any]:
    """What a `campaign.decided` entry says; audit verify and verify.py compare the record
    (campaign_decision, decisions.csv) with it field by field."""
    return {
        "campaign": campaign.name,
        "item": item.position,
        "identity_id": item.identity_id,
        "external_id": item.external_id,
        "decision": str(decision),
        "previous": previous,
        "lane": str(lane),
        "reason": reason,
    }
