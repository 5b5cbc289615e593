"""`/boundary gaps [integration | @user]`: the scope is checked in the acknowledgement, the open
gaps follow through `response_url`."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.flows.registration import resolve_integration
from bot.gaps.summary import gap_summary
from bot.runtime import Runtime
from handlers.blocks import answers
from handlers.blocks.text import mention
from handlers.commands.subcommand import Call, Reply, Subcommand, Usage, respond_ephemeral
from handlers.deferred import plan


def answer(call: Call) -> Reply:
    if len(call.args) > 1:
        raise Usage("gaps")
    integration = owner = None
    if call.args and call.args[0].user:
        owner = call.args[0].user
    elif call.args:
        integration = resolve_integration(call.runtime, call.args[0].text)
    plan(call.context, "gaps", integration=integration, owner=owner)
    return {}


def show_gaps(runtime: Runtime, work: dict[str, Any], client: WebClient, respond: Respond) -> None:
    found = gap_summary(
        runtime, shown=answers.GAP_LINES, integration=work["integration"], owner=work["owner"]
    )
    scope = (
        f"`{work['integration']}`"
        if work["integration"]
        else (f"what {mention(work['owner'])} owns" if work["owner"] else "every integration")
    )
    respond_ephemeral(
        respond, text=f"open gaps in {scope}", blocks=answers.gaps_blocks(found, scope)
    )


GAPS = Subcommand("gaps", answer, show_gaps)
