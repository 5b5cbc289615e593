"""`/boundary sync <integration>`: the right to sync is checked in the acknowledgement; the
connector runs after it and the outcome is posted through `response_url`."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.authorization import Actor
from bot.flows.registration import resolve_integration
from bot.runtime import Runtime
from bot.sync import sync_integration
from handlers.blocks import answers
from handlers.commands.subcommand import (
    Call,
    Reply,
    Subcommand,
    Usage,
    plain,
    respond_ephemeral,
    say,
)
from handlers.deferred import plan


def answer(call: Call) -> Reply:
    if len(call.args) != 1:
        raise Usage("sync")
    named = plain(call.args[0], "sync", "an integration name")
    name = resolve_integration(call.runtime, named, steward=call.actor)
    plan(call.context, "sync", integration=name, user=call.user_id)
    return say(f"Syncing `{name}`… I'll post the outcome here.")


def run_sync(runtime: Runtime, work: dict[str, Any], client: WebClient, respond: Respond) -> None:
    actor = Actor.slack_user(work["user"], runtime.settings.admins)
    outcome = sync_integration(runtime, actor=actor, integration_name=work["integration"])
    respond_ephemeral(respond, text=answers.sync_text(outcome))


SYNC = Subcommand("sync", answer, run_sync)
