"""Submissions of the declaration prompt's modals: one answer with a note, or one lane for all
that remain (optionally only those a rule matches)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.errors import InvalidInput
from bot.flows import declarations
from handlers.blocks.modals import submitted
from handlers.context import actor_of, runtime_of
from handlers.deferred import plan, planned
from handlers.errors import reported
from handlers.ids import Block, View
from handlers.payloads import (
    identity_id,
    integration_name,
    known_identity,
    private_metadata,
    user_id,
)
from handlers.review_prompt import check_shown, place_of, refresh_prompt
from storage.vocabulary import Answer


def _answer(values: dict[str, Any]) -> Answer:
    try:
        return Answer(submitted(values, Block.LANE) or "")
    except ValueError:
        raise InvalidInput("Choose a lane.") from None


def declare_with_note(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    metadata = private_metadata(view)
    identity = identity_id(metadata.get("identity"))
    place = place_of(metadata.get("place"))
    check_shown(place, identity)
    values = view["state"]["values"]
    user = user_id(body)
    with known_identity():
        declarations.declare(
            runtime_of(context),
            actor=actor_of(context, user),
            identity_id=identity,
            answer=_answer(values),
            note=submitted(values, Block.NOTE),
        )
    plan(context, "refresh", place=place, user=user)
    ack()


def apply_remaining(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    metadata = private_metadata(view)
    integration = integration_name(metadata.get("integration"))
    values = view["state"]["values"]
    user = user_id(body)
    declarations.declare_remaining(
        runtime_of(context),
        actor=actor_of(context, user),
        integration=integration,
        answer=_answer(values),
        rule=submitted(values, Block.RULE),
        note=submitted(values, Block.NOTE),
    )
    plan(context, "refresh", place=place_of(metadata.get("place")), user=user)
    ack()


@reported("declaration modal")
def refresh(client: WebClient, context: BoltContext) -> None:
    work = planned(context)
    if work is not None:
        refresh_prompt(client, runtime_of(context), place=work["place"], user_id=work["user"])


def register(app: App) -> None:
    app.view(View.DECLARE_NOTE)(ack=declare_with_note, lazy=[refresh])
    app.view(View.APPLY_REMAINING)(ack=apply_remaining, lazy=[refresh])
