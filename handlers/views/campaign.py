"""Submission of the campaign prompt's decision form: change an item's lane, or remove it, with
the reason the record needs."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.errors import InvalidInput
from bot.flows import campaigns
from handlers.blocks.modals import submitted
from handlers.campaign_prompt import check_shown, place_of, refresh_campaign_prompt
from handlers.context import actor_of, runtime_of
from handlers.deferred import plan, planned
from handlers.errors import reported
from handlers.ids import Block, View
from handlers.payloads import Malformed, integration_name, private_metadata, user_id
from storage.vocabulary import Answer, Decision

FORM_DECISIONS = {str(Decision.CHANGE): Decision.CHANGE, str(Decision.REMOVE): Decision.REMOVE}


def _position(value: Any) -> int:
    if type(value) is not int or value <= 0:
        raise Malformed("a campaign item the bot never offered")
    return value


def _lane(values: dict[str, Any], decision: Decision) -> Answer | None:
    if decision is not Decision.CHANGE:
        return None
    chosen = submitted(values, Block.LANE)
    if chosen not in (Answer.WORKFORCE, Answer.CUSTOMER):
        raise InvalidInput("Choose the new lane: workforce or customer.")
    return Answer(chosen)


def decide(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    metadata = private_metadata(view)
    campaign = integration_name(metadata.get("campaign"))
    position = _position(metadata.get("item"))
    decision = FORM_DECISIONS.get(str(metadata.get("decision")))
    if decision is None:
        raise Malformed("a decision the form never offered")
    place = place_of(metadata.get("place"))
    check_shown(place, campaign, position)
    values = view["state"]["values"]
    user = user_id(body)
    campaigns.decide(
        runtime_of(context),
        actor=actor_of(context, user),
        campaign=campaign,
        position=position,
        decision=decision,
        lane=_lane(values, decision),
        reason=submitted(values, Block.REASON),
    )
    plan(context, "refresh", place=place, user=user)
    ack()


@reported("campaign decision form")
def refresh(client: WebClient, context: BoltContext) -> None:
    work = planned(context)
    if work is not None:
        refresh_campaign_prompt(
            client, runtime_of(context), place=work["place"], user_id=work["user"]
        )


def register(app: App) -> None:
    app.view(View.CAMPAIGN_DECIDE)(ack=decide, lazy=[refresh])
