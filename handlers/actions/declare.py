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
from handlers.review_prompt import message_place, refresh_prompt, send_review_prompt, show_page


def _action(body: dict[str, Any]) -> dict[str, Any]:
    actions = body.get("actions") or [{}]
    return dict(actions[0])


def _user(body: dict[str, Any]) -> str:
    return str(body["user"]["id"])


def declare(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    selected = (_action(body).get("selected_option") or {}).get("value", "")
    try:
        identity_id, answer = parse_declare_value(str(selected))
    except ValueError:
        raise InvalidInput("That choice is not one I know; please pick a lane again.") from None
    declarations.declare(
        runtime_of(context),
        actor=actor_of(context, _user(body)),
        identity_id=identity_id,
        answer=answer,
    )
    plan(context, "refresh", place=message_place(body), user=_user(body))
    ack()


def open_note(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    identity_id = int(str(_action(body).get("value", "0")))
    label = prompt.identity_label(runtime_of(context), identity_id=identity_id)
    view = declare_note_modal(identity_id=identity_id, label=label, place=message_place(body))
    plan(context, "open", trigger_id=body.get("trigger_id"), view=view)
    ack()


def open_apply(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    integration = str(_action(body).get("value", ""))
    view = apply_remaining_modal(integration=integration, place=message_place(body))
    plan(context, "open", trigger_id=body.get("trigger_id"), view=view)
    ack()


def page(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    integration, after = parse_page_value(str(_action(body).get("value", ":0")))
    place = {**message_place(body), "integration": integration}
    plan(context, "page", place=place, after=after, user=_user(body))
    ack()


def home_review(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    plan(context, "review", integration=_action(body).get("value"), user=body["user"]["id"])
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
