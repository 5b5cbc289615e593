"""The campaign use cases as one Slack request runs them, each in its own unit of work under
the runtime's clock and settings; and closing's escalation, told through the Messenger port."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, timedelta

from bot.authorization import Actor
from bot.campaigns import closing, queue, review
from bot.campaigns.closing import Closed, SignedOff
from bot.campaigns.home import CampaignHome, campaign_home
from bot.campaigns.launch import Launched, start_campaign
from bot.campaigns.progress import CampaignProgress, campaign_status
from bot.campaigns.queue import ReviewPage
from bot.campaigns.review import Decided
from bot.nudges.messenger import Messenger, NotDelivered, Note, RecipientGone, TokenRefused
from bot.runtime import Runtime
from bot.text import plural
from storage.vocabulary import Answer, CloseRule, Decision

logger = logging.getLogger(__name__)

# One prompt per integration; a reviewer of many integrations gets the first few, and the App
# Home lists every one of them.
MAX_PROMPTS = 5


def start(
    runtime: Runtime,
    *,
    actor: Actor,
    name: str,
    due_on: date,
    integrations: Sequence[str],
    stale_reason: str | None,
) -> Launched:
    with runtime.unit_of_work() as session:
        return start_campaign(
            session,
            actor=actor,
            name=name,
            due_on=due_on,
            integrations=integrations,
            allow_stale=stale_reason is not None,
            reason=stale_reason,
            now=runtime.clock.now(),
            max_sync_age=timedelta(hours=runtime.settings.campaign_sync_max_age_hours),
        )


def status(runtime: Runtime, *, name: str | None) -> list[CampaignProgress]:
    with runtime.reading() as session:
        return campaign_status(session, name=name, today=runtime.clock.now().date())


def close(runtime: Runtime, *, actor: Actor, name: str, rule: CloseRule) -> Closed:
    with runtime.unit_of_work() as session:
        return closing.close_campaign(
            session, actor=actor, campaign_name=name, rule=rule, now=runtime.clock.now()
        )


def escalate_unreviewed(messenger: Messenger, *, channel: str | None, closed: Closed) -> bool:
    """Tell the escalation channel what a closed campaign left unreviewed; False when no channel
    is configured or the post did not go out (the close itself is recorded either way)."""
    if channel is None:
        return False
    lines = [
        f"Campaign {closed.campaign} closed with {plural(closed.undecided, 'item')} of"
        f" {closed.total} undecided (recorded as unreviewed):"
    ]
    lines += [
        f"- {entry.integration} (owner {entry.owner}): {entry.undecided}"
        for entry in closed.unreviewed
    ]
    try:
        messenger.post_notice(channel, Note("\n".join(lines)))
    except (TokenRefused, RecipientGone, NotDelivered) as refusal:
        logger.warning(
            "campaign %s: escalation to %s failed: %s", closed.campaign, channel, refusal
        )
        return False
    return True


def review_integrations(
    runtime: Runtime, *, actor: Actor, campaign: str, integration: str | None
) -> list[str]:
    with runtime.reading() as session:
        return queue.integrations_to_review(
            session, actor=actor, campaign_name=campaign, integration=integration
        )


def first_pages(
    runtime: Runtime, *, actor: Actor, campaign: str, integration: str | None
) -> list[ReviewPage]:
    """The first page of each integration the actor reviews in the campaign (or of one)."""
    with runtime.reading() as session:
        names = queue.integrations_to_review(
            session, actor=actor, campaign_name=campaign, integration=integration
        )
        return [
            queue.review_page(session, actor=actor, campaign_name=campaign, integration=name)
            for name in names[:MAX_PROMPTS]
        ]


def page_after(
    runtime: Runtime, *, actor: Actor, campaign: str, integration: str, after: int
) -> ReviewPage:
    with runtime.reading() as session:
        return queue.review_page(
            session, actor=actor, campaign_name=campaign, integration=integration, after=after
        )


def page_as_now(
    runtime: Runtime, *, actor: Actor, campaign: str, integration: str, positions: Sequence[int]
) -> ReviewPage:
    with runtime.reading() as session:
        return queue.page_as_now(
            session,
            actor=actor,
            campaign_name=campaign,
            integration=integration,
            positions=positions,
        )


def item_label(runtime: Runtime, *, actor: Actor, campaign: str, position: int) -> str:
    with runtime.reading() as session:
        return queue.item_label(session, actor=actor, campaign_name=campaign, position=position)


def decide(
    runtime: Runtime,
    *,
    actor: Actor,
    campaign: str,
    position: int,
    decision: Decision,
    lane: Answer | None = None,
    reason: str | None = None,
) -> Decided:
    with runtime.unit_of_work() as session:
        return review.decide(
            session,
            actor=actor,
            campaign_name=campaign,
            position=position,
            decision=decision,
            lane=lane,
            reason=reason,
            now=runtime.clock.now(),
        )


def keep_rest(runtime: Runtime, *, actor: Actor, campaign: str, integration: str) -> Decided:
    with runtime.unit_of_work() as session:
        return review.decide_remaining(
            session,
            actor=actor,
            campaign_name=campaign,
            integration_name=integration,
            now=runtime.clock.now(),
        )


def sign_off(runtime: Runtime, *, actor: Actor, campaign: str, integration: str) -> SignedOff:
    with runtime.unit_of_work() as session:
        return closing.sign_off(
            session,
            actor=actor,
            campaign_name=campaign,
            integration_name=integration,
            now=runtime.clock.now(),
        )


def home(runtime: Runtime, *, actor: Actor) -> CampaignHome:
    with runtime.reading() as session:
        return campaign_home(session, actor=actor, today=runtime.clock.now().date())
