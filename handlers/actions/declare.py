"""Buttons and selects of the declaration prompt: the answer is recorded in the acknowledgement,
then the message is updated in place and the App Home refreshed."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot import queue, review
from bot.authorization import Actor
from bot.context import Runtime
from bot.errors import InvalidInput
from handlers.blocks.modals import apply_remaining_modal, declare_note_modal
from handlers.blocks.prompt import (
    identity_ids,
    parse_declare_value,
    parse_page_value,
    prompt_blocks,
    prompt_text,
)
from handlers.errors import reported
from handlers.events.home import publish_home
from handlers.ids import Action
from handlers.later import plan, planned
from handlers.review_prompt import send_review_prompt


def message_place(body: dict[str, Any]) -> dict[str, Any]:
    """Where the prompt message lives, and which integration and identities it shows."""
    message = body.get("message") or {}
    blocks = message.get("blocks") or []
    return {
        "channel": (body.get("container") or {}).get("channel_id")
        or (body.get("channel") or {}).get("id"),
        "ts": (body.get("container") or {}).get("message_ts") or message.get("ts"),
        "ids": identity_ids(blocks),
        "integration": prompt_integration(blocks),
    }


def prompt_integration(blocks: list[dict[str, Any]]) -> str | None:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == Action.PAGE_START:
                return parse_page_value(str(element["value"]))[0]
    return None


def refresh_prompt(
    client: WebClient, runtime: Runtime, *, place: dict[str, Any], user_id: str
) -> None:
    """Show what was recorded, and by whom, in the prompt message itself."""
    if place.get("channel") and place.get("ts") and place.get("integration"):
        with runtime.unit_of_work() as session:
            page = queue.refreshed_page(
                session,
                integration_name=place["integration"],
                identity_ids=place["ids"],
                review_days=runtime.settings.review_days,
                now=runtime.clock.now(),
            )
        client.chat_update(
            channel=place["channel"],
            ts=place["ts"],
            text=prompt_text(page),
            blocks=prompt_blocks(page),
        )
    publish_home(client, runtime, user_id=user_id)


def show_page(
    client: WebClient, runtime: Runtime, *, place: dict[str, Any], user_id: str, after: int
) -> None:
    actor = Actor.slack_user(user_id, runtime.settings.admins)
    with runtime.unit_of_work() as session:
        page = queue.queue_page(
            session,
            actor=actor,
            integration_name=place["integration"],
            review_days=runtime.settings.review_days,
            now=runtime.clock.now(),
            after_id=after,
        )
    client.chat_update(
        channel=place["channel"], ts=place["ts"], text=prompt_text(page), blocks=prompt_blocks(page)
    )


def _action(body: dict[str, Any]) -> dict[str, Any]:
    actions = body.get("actions") or [{}]
    return dict(actions[0])


def register(app: App, runtime: Runtime) -> None:
    def declare(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        selected = (_action(body).get("selected_option") or {}).get("value", "")
        try:
            identity_id, answer = parse_declare_value(str(selected))
        except ValueError:
            raise InvalidInput("That choice is not one I know; please pick a lane again.") from None
        user_id = str(body["user"]["id"])
        with runtime.unit_of_work() as session:
            review.declare(
                session,
                actor=Actor.slack_user(user_id, runtime.settings.admins),
                identity_id=identity_id,
                answer=answer,
                now=runtime.clock.now(),
            )
        plan(context, "refresh", place=message_place(body), user=user_id)
        ack()

    def open_note(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        identity_id = int(str(_action(body).get("value", "0")))
        with runtime.unit_of_work() as session:
            label = queue.identity_label(session, identity_id=identity_id)
        plan(
            context,
            "open",
            trigger_id=body.get("trigger_id"),
            view=declare_note_modal(
                identity_id=identity_id, label=label, place=message_place(body)
            ),
        )
        ack()

    def open_apply(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        integration = str(_action(body).get("value", ""))
        view = apply_remaining_modal(integration=integration, place=message_place(body))
        plan(context, "open", trigger_id=body.get("trigger_id"), view=view)
        ack()

    def page(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        integration, after = parse_page_value(str(_action(body).get("value", ":0")))
        place = {**message_place(body), "integration": integration}
        plan(context, "page", place=place, after=after, user=str(body["user"]["id"]))
        ack()

    def home_review(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        plan(context, "review", integration=_action(body).get("value"), user=body["user"]["id"])
        ack()

    @reported("declaration prompt")
    def later(context: BoltContext, client: WebClient, respond: Respond) -> None:
        work = planned(context)
        if work is None:
            return
        if work["kind"] == "refresh":
            refresh_prompt(client, runtime, place=work["place"], user_id=work["user"])
        elif work["kind"] == "open":
            client.views_open(trigger_id=work["trigger_id"], view=work["view"])
        elif work["kind"] == "page":
            show_page(
                client, runtime, place=work["place"], user_id=work["user"], after=work["after"]
            )
        elif work["kind"] == "review":
            send_review_prompt(
                client, runtime, user_id=work["user"], integration=work["integration"]
            )

    app.action(Action.DECLARE)(ack=declare, lazy=[later])
    app.action(Action.DECLARE_WITH_NOTE)(ack=open_note, lazy=[later])
    app.action(Action.APPLY_REMAINING)(ack=open_apply, lazy=[later])
    app.action(Action.PAGE)(ack=page, lazy=[later])
    app.action(Action.PAGE_START)(ack=page, lazy=[later])
    app.action(Action.HOME_REVIEW)(ack=home_review, lazy=[later])
