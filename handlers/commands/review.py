"""`/boundary review [integration]`: acknowledged at once (a refusal too), then the declaration
prompt goes out by direct message."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.flows.registration import resolve_integration
from bot.runtime import Runtime
from handlers.commands.subcommand import Call, Reply, Subcommand, Usage, plain, say
from handlers.deferred import plan
from handlers.review_prompt import send_review_prompt


def answer(call: Call) -> Reply:
    if len(call.args) > 1:
        raise Usage("review")
    name = None
    if call.args:
        named = plain(call.args[0], "review", "an integration name")
        name = resolve_integration(call.runtime, named, steward=call.actor)
    plan(call.context, "review", user=call.user_id, integration=name)
    where = f" for `{name}`" if name else ""
    return say(f"I'm sending you the declaration prompt{where} in a direct message.")


def send_prompt(
    runtime: Runtime, work: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    send_review_prompt(client, runtime, user_id=work["user"], integration=work["integration"])


REVIEW = Subcommand("review", answer, send_prompt)
