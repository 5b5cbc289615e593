"""Buttons of the campaign prompt and of the App Home's Campaigns section: a decision or a
sign-off is recorded in the acknowledgement, then the message is updated in place and the App
Home refreshed; Change… and Remove… open the decision form; the others turn the page or send
the prompt."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.flows import campaigns
from handlers.blocks.campaign_prompt import parse_item_value, parse_scope_value
from handlers.blocks.modals import campaign_decision_modal
from handlers.campaign_prompt import (
    check_shown,
    message_place,
    refresh_campaign_prompt,
    send_campaign_prompt,
    show_campaign_page,
)
from handlers.context import actor_of, runtime_of
from handlers.deferred import plan, planned
from handlers.errors import reported
from handlers.events.home import publish_home
from handlers.ids import Action
from handlers.payloads import Malformed, integration_name, mappings, user_id
from storage.vocabulary import Decision

WHERE = "campaign prompt"


def _value(body: dict[str, Any]) -> str:
    return str(mappings(body.get("actions"))[0].get("value", ""))  # the payload check saw one


def _item(body: dict[str, Any]) -> tuple[str, int, dict[str, Any]]:
    """The campaign and item position a button names, checked against its message."""
    try:
        campaign, position = parse_item_value(_value(body))
    except ValueError:
        raise Malformed("a campaign item the bot never offered") from None
    if position <= 0:
        raise Malformed("a campaign item the bot never offered")
    place = message_place(body)
    check_shown(place, integration_name(campaign), position)
    return campaign, position, place


def _scope(body: dict[str, Any]) -> tuple[str, str, int, dict[str, Any]]:
    """The campaign, integration and page cursor a button names, checked against its message."""
    try:
        campaign, integration, after = parse_scope_value(_value(body))
    except ValueError:
        raise Malformed("a campaign scope the bot never offered") from None
    campaign, integration = integration_name(campaign), integration_name(integration)
    place = message_place(body)
    if place["campaign"] and (place["campaign"], place["integration"]) != (campaign, integration):
        raise Malformed("a campaign scope the message does not show")
    return campaign, integration, after, {**place, "campaign": campaign, "integration": integration}


def keep(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    campaign, position, place = _item(body)
    user = user_id(body)
    campaigns.decide(
        runtime_of(context),
        actor=actor_of(context, user),
        campaign=campaign,
        position=position,
        decision=Decision.KEEP,
    )
    plan(context, "refresh", place=place, user=user)
    ack()


def open_decision(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """The form names the identity, so it opens only for those who may decide the item."""
    campaign, position, place = _item(body)
    action = mappings(body.get("actions"))[0].get("action_id")
    decision = Decision.CHANGE if action == Action.CAMPAIGN_CHANGE else Decision.REMOVE
    label = campaigns.item_label(
        runtime_of(context),
        actor=actor_of(context, user_id(body)),
        campaign=campaign,
        position=position,
    )
    view = campaign_decision_modal(
        campaign=campaign, position=position, decision=decision, label=label, place=place
    )
    plan(context, "open", trigger_id=body.get("trigger_id"), view=view)
    ack()


def keep_rest(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    campaign, integration, _, place = _scope(body)
    user = user_id(body)
    actor = actor_of(context, user)
    campaigns.keep_rest(
        runtime_of(context), actor=actor, campaign=campaign, integration=integration
    )
    plan(context, "refresh", place=place, user=user)
    ack()


def sign_off(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    campaign, integration, _, place = _scope(body)
    user = user_id(body)
    actor = actor_of(context, user)
    campaigns.sign_off(runtime_of(context), actor=actor, campaign=campaign, integration=integration)
    plan(context, "refresh", place=place, user=user)
    ack()


def page(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    _, _, after, place = _scope(body)
    plan(context, "page", place=place, after=after, user=user_id(body))
    ack()


def home_review(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    campaign, integration, _, _ = _scope(body)
    plan(context, "review", campaign=campaign, integration=integration, user=user_id(body))
    ack()


def home_sign_off(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    campaign, integration, _, _ = _scope(body)
    user = user_id(body)
    actor = actor_of(context, user)
    campaigns.sign_off(runtime_of(context), actor=actor, campaign=campaign, integration=integration)
    plan(context, "home", user=user)
    ack()


@reported(WHERE)
def follow_up(context: BoltContext, client: WebClient, respond: Respond) -> None:
    """After the acknowledgement: show the decision in place, turn the page, open the form,
    send the prompt or refresh the Home tab, as the acknowledgement planned."""
    work = planned(context)
    if work is None:
        return
    runtime = runtime_of(context)
    kind = work["kind"]
    if kind == "refresh":
        refresh_campaign_prompt(client, runtime, place=work["place"], user_id=work["user"])
    elif kind == "page":
        show_campaign_page(
            client, runtime, place=work["place"], user_id=work["user"], after=work["after"]
        )
    elif kind == "open":
        client.views_open(trigger_id=work["trigger_id"], view=work["view"])
    elif kind == "review":
        send_campaign_prompt(
            client,
            runtime,
            user_id=work["user"],
            campaign=work["campaign"],
            integration=work["integration"],
        )
    elif kind == "home":
        publish_home(client, runtime, user_id=work["user"])


def register(app: App) -> None:
    app.action(Action.CAMPAIGN_KEEP)(ack=keep, lazy=[follow_up])
    app.action(Action.CAMPAIGN_CHANGE)(ack=open_decision, lazy=[follow_up])
    app.action(Action.CAMPAIGN_REMOVE)(ack=open_decision, lazy=[follow_up])
    app.action(Action.CAMPAIGN_KEEP_REST)(ack=keep_rest, lazy=[follow_up])
    app.action(Action.CAMPAIGN_SIGN_OFF)(ack=sign_off, lazy=[follow_up])
    app.action(Action.CAMPAIGN_PAGE)(ack=page, lazy=[follow_up])
    app.action(Action.CAMPAIGN_PAGE_START)(ack=page, lazy=[follow_up])
    app.action(Action.HOME_CAMPAIGN_REVIEW)(ack=home_review, lazy=[follow_up])
    app.action(Action.HOME_CAMPAIGN_SIGN_OFF)(ack=home_sign_off, lazy=[follow_up])
