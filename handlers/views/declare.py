"""Submissions of the declaration prompt's modals: one answer with a note, or one lane for all
that remain (optionally only those a rule matches)."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import review
from bot.authorization import Actor
from bot.context import Runtime
from bot.errors import InvalidInput
from handlers.actions.declare import refresh_prompt
from handlers.blocks.modals import submitted
from handlers.errors import reported
from handlers.ids import Block, View
from handlers.later import plan, planned
from storage.vocabulary import Answer


def _answer(values: dict[str, Any]) -> Answer:
    try:
        return Answer(submitted(values, Block.LANE) or "")
    except ValueError:
        raise InvalidInput("Choose a lane.") from None


def register(app: App, runtime: Runtime) -> None:
    def declare_with_note(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        metadata = json.loads(view.get("private_metadata") or "{}")
        values = view["state"]["values"]
        user_id = str(body["user"]["id"])
        with runtime.unit_of_work() as session:
            review.declare(
                session,
                actor=Actor.slack_user(user_id, runtime.settings.admins),
                identity_id=int(metadata["identity"]),
                answer=_answer(values),
                note=submitted(values, Block.NOTE),
                now=runtime.clock.now(),
            )
        plan(context, "refresh", place=metadata.get("place") or {}, user=user_id)
        ack()

    def apply_remaining(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        metadata = json.loads(view.get("private_metadata") or "{}")
        values = view["state"]["values"]
        user_id = str(body["user"]["id"])
        actor = Actor.slack_user(user_id, runtime.settings.admins)
        answer, rule = _answer(values), submitted(values, Block.RULE)
        with runtime.unit_of_work() as session:
            if rule:
                review.add_rule(
                    session,
                    actor=actor,
                    integration_name=metadata["integration"],
                    rule=rule,
                    answer=answer,
                    now=runtime.clock.now(),
                )
            else:
                review.declare_remaining(
                    session,
                    actor=actor,
                    integration_name=metadata["integration"],
                    answer=answer,
                    note=submitted(values, Block.NOTE),
                    now=runtime.clock.now(),
                )
        plan(context, "refresh", place=metadata.get("place") or {}, user=user_id)
        ack()

    @reported("declaration modal")
    def later(client: WebClient, context: BoltContext) -> None:
        work = planned(context)
        if work is not None:
            refresh_prompt(client, runtime, place=work["place"], user_id=work["user"])

    app.view(View.DECLARE_NOTE)(ack=declare_with_note, lazy=[later])
    app.view(View.APPLY_REMAINING)(ack=apply_remaining, lazy=[later])
