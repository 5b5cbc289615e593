"""Buttons of the nudge digest: snooze (recorded in the acknowledgement), review now (the
declaration prompt), and the App Home link; the digest is then updated in place."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.context import Runtime
from bot.nudges import directory, snooze
from bot.nudges.schedule import zone
from handlers.blocks.digest import acted_blocks, review_opened_note, snoozed_note
from handlers.errors import reported
from handlers.ids import Action
from handlers.later import plan, planned
from handlers.review_prompt import send_review_prompt


def _place(body: dict[str, Any]) -> dict[str, Any]:
    """Where the digest lives and what it shows, so it can be updated in place."""
    message = body.get("message") or {}
    return {
        "channel": (body.get("container") or {}).get("channel_id")
        or (body.get("channel") or {}).get("id"),
        "ts": (body.get("container") or {}).get("message_ts") or message.get("ts"),
        "text": message.get("text") or "Boundary review",
        "blocks": message.get("blocks") or [],
    }


def _owner(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")


def _mark(client: WebClient, place: dict[str, Any], note: str) -> None:
    if place["channel"] and place["ts"]:
        client.chat_update(
            channel=place["channel"],
            ts=place["ts"],
            text=place["text"],
            blocks=acted_blocks(place["blocks"], note),
        )


def register(app: App, runtime: Runtime) -> None:
    def snoozer(length: timedelta) -> Any:
        def snooze_digest(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
            user_id = str(body["user"]["id"])
            with runtime.unit_of_work() as session:
                row = snooze.snooze(
                    session,
                    user_id=user_id,
                    owner=_owner(body),
                    length=length,
                    now=runtime.clock.now(),
                )
                person = directory.known(session, user_ids=[user_id]).get(user_id)
            until = row.until.astimezone(zone(person.tz if person else None))
            plan(context, "mark", place=_place(body), note=snoozed_note(user_id, until))
            ack()

        return snooze_digest

    def review_now(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        user_id = str(body["user"]["id"])
        with runtime.unit_of_work() as session:
            snooze.review_opened(
                session, user_id=user_id, owner=_owner(body), now=runtime.clock.now()
            )
        plan(context, "review", place=_place(body), user=user_id)
        ack()

    def open_home(ack: Ack) -> None:
        ack()  # a link button: Slack opens the Home tab, we only acknowledge the click

    @reported("nudge digest")
    def later(context: BoltContext, client: WebClient, respond: Respond) -> None:
        work = planned(context)
        if work is None:
            return
        if work["kind"] == "mark":
            _mark(client, work["place"], work["note"])
        elif work["kind"] == "review":
            _mark(client, work["place"], review_opened_note(work["user"]))
            send_review_prompt(client, runtime, user_id=work["user"], integration=None)

    app.action(Action.SNOOZE_DAY)(ack=snoozer(snooze.SNOOZE_DAY), lazy=[later])
    app.action(Action.SNOOZE_WEEK)(ack=snoozer(snooze.SNOOZE_WEEK), lazy=[later])
    app.action(Action.REVIEW_NOW)(ack=review_now, lazy=[later])
    app.action(Action.OPEN_HOME)(open_home)
