"""Buttons of the nudge digest: snooze (recorded in the acknowledgement), review now (the
declaration prompt), and the App Home link; the digest is then updated in place."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.nudges import snooze
from handlers import payloads
from handlers.blocks.digest import acted_blocks, review_opened_note, snoozed_note
from handlers.context import runtime_of
from handlers.deferred import plan, planned
from handlers.errors import reported
from handlers.ids import Action
from handlers.review_prompt import send_review_prompt


def _place(body: dict[str, Any]) -> dict[str, Any]:
    """Where the digest lives and what it shows, so it can be updated in place."""
    message = payloads.mapping(body.get("message"))
    container = payloads.mapping(body.get("container"))
    text = message.get("text")
    return {
        "channel": container.get("channel_id") or payloads.mapping(body.get("channel")).get("id"),
        "ts": container.get("message_ts") or message.get("ts"),
        "text": text if isinstance(text, str) and text else "Boundary review",
        "blocks": payloads.mappings(message.get("blocks")),
    }


def _owner(body: dict[str, Any]) -> str:
    return str(payloads.mappings(body.get("actions"))[0].get("value") or "")


def _mark(client: WebClient, place: dict[str, Any], note: str) -> None:
    if place["channel"] and place["ts"]:
        client.chat_update(
            channel=place["channel"],
            ts=place["ts"],
            text=place["text"],
            blocks=acted_blocks(place["blocks"], note),
        )


def _snooze(body: dict[str, Any], context: BoltContext, length: timedelta) -> None:
    user_id = payloads.user_id(body)
    until = snooze.snooze_digest(
        runtime_of(context), user_id=user_id, owner=_owner(body), length=length
    )
    plan(context, "mark", place=_place(body), note=snoozed_note(user_id, until))


def snooze_day(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    _snooze(body, context, snooze.SNOOZE_DAY)
    ack()


def snooze_week(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    _snooze(body, context, snooze.SNOOZE_WEEK)
    ack()


def review_now(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    user_id = payloads.user_id(body)
    snooze.open_review(runtime_of(context), user_id=user_id, owner=_owner(body))
    plan(context, "review", place=_place(body), user=user_id)
    ack()


def open_home(ack: Ack) -> None:
    ack()  # a link button: Slack opens the Home tab, we only acknowledge the click


@reported("nudge digest")
def mark_snoozed(context: BoltContext, client: WebClient, respond: Respond) -> None:
    work = planned(context)
    if work is not None:
        _mark(client, work["place"], work["note"])


@reported("nudge digest")
def mark_and_send_prompt(context: BoltContext, client: WebClient, respond: Respond) -> None:
    work = planned(context)
    if work is not None:
        _mark(client, work["place"], review_opened_note(work["user"]))
        send_review_prompt(client, runtime_of(context), user_id=work["user"], integration=None)


def register(app: App) -> None:
    app.action(Action.SNOOZE_DAY)(ack=snooze_day, lazy=[mark_snoozed])
    app.action(Action.SNOOZE_WEEK)(ack=snooze_week, lazy=[mark_snoozed])
    app.action(Action.REVIEW_NOW)(ack=review_now, lazy=[mark_and_send_prompt])
    app.action(Action.OPEN_HOME)(open_home)
