"""Buttons and selects of the declaration prompt: an answer is recorded in the acknowledgement,
then the message is updated in place and the App Home refreshed; the other buttons open a modal,
turn the page, or (on the App Home) send the prompt."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.errors import InvalidInput
from bot.flows import declarations, prompt
from handlers.blocks.modals import apply_remaining_modal, declare_note_modal
from handlers.blocks.prompt import parse_declare_value, parse_page_value
from handlers.context import actor_of, runtime_of
from handlers.deferred import plan, planned
from handlers.errors import reported
from handlers.ids import Action
from handlers.payloads import (
    Malformed,
    integration_name,
    known_identity,
    mapping,
    mappings,
    user_id,
)
from handlers.payloads import (
    identity_id as identity_in,
)
from handlers.review_prompt import (
    check_shown,
    message_place,
    refresh_prompt,
    send_review_prompt,
    show_page,
)


def _action(body: dict[str, Any]) -> dict[str, Any]:
    return mappings(body.get("actions"))[0]  # the payload check saw at least one


def declare(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    selected = mapping(_action(body).get("selected_option")).get("value", "")
    try:
        identity_id, answer = parse_declare_value(str(selected))
    except ValueError:
        raise InvalidInput("That choice is not one I know; please pick a lane again.") from None
    place = message_place(body)
    check_shown(place, identity_id)
    with known_identity():
        declarations.declare(
            runtime_of(context),
            actor=actor_of(context, user_id(body)),
            identity_id=identity_id,
            answer=answer,
        )
    plan(context, "refresh", place=place, user=user_id(body))
    ack()


def open_note(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """The note modal names the identity, so only those who may declare it get it."""
    shown = identity_in(_action(body).get("value"))
    place = message_place(body)
    check_shown(place, shown)
    actor = actor_of(context, user_id(body))
    with known_identity():
        label = prompt.identity_label(runtime_of(context), actor=actor, identity_id=shown)
    view = declare_note_modal(identity_id=shown, label=label, place=place)
    plan(context, "open", trigger_id=body.get("trigger_id"), view=view)
    ack()


def open_apply(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    integration = integration_name(_action(body).get("value"))
    place = message_place(body)
    if place["integration"] and integration != place["integration"]:
        raise Malformed("an integration the message does not show")
    prompt.check_steward(
        runtime_of(context), actor=actor_of(context, user_id(body)), integration=integration
    )
    view = apply_remaining_modal(integration=integration, place=place)
    plan(context, "open", trigger_id=body.get("trigger_id"), view=view)
    ack()


def page(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    try:
        integration, after = parse_page_value(str(_action(body).get("value", ":0")))
    except ValueError:
        raise Malformed("a page the bot never offered") from None
    place = {**message_place(body), "integration": integration_name(integration)}
    plan(context, "page", place=place, after=after, user=user_id(body))
    ack()


def home_review(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    integration = integration_name(_action(body).get("value"))
    plan(context, "review", integration=integration, user=user_id(body))
    ack()


@reported("declaration prompt")
def update_prompt(context: BoltContext, client: WebClient, respond: Respond) -> None:
    """After the acknowledgement: show the answer in place, or turn the page."""
    work = planned(context)
    if work is None:
        return
    runtime = runtime_of(context)
    if work["kind"] == "refresh":
        refresh_prompt(client, runtime, place=work["place"], user_id=work["user"])
    elif work["kind"] == "page":
        show_page(client, runtime, place=work["place"], user_id=work["user"], after=work["after"])


@reported("declaration prompt")
def open_modal(context: BoltContext, client: WebClient, respond: Respond) -> None:
    work = planned(context)
    if work is not None:
        client.views_open(trigger_id=work["trigger_id"], view=work["view"])


@reported("declaration prompt")
def send_prompt(context: BoltContext, client: WebClient, respond: Respond) -> None:
    work = planned(context)
    if work is not None:
        runtime = runtime_of(context)
        send_review_prompt(client, runtime, user_id=work["user"], integration=work["integration"])


def register(app: App) -> None:
    app.action(Action.DECLARE)(ack=declare, lazy=[update_prompt])
    app.action(Action.DECLARE_WITH_NOTE)(ack=open_note, lazy=[open_modal])
    app.action(Action.APPLY_REMAINING)(ack=open_apply, lazy=[open_modal])
    app.action(Action.PAGE)(ack=page, lazy=[update_prompt])
    app.action(Action.PAGE_START)(ack=page, lazy=[update_prompt])
    app.action(Action.HOME_REVIEW)(ack=home_review, lazy=[send_prompt])
