"""`/boundary`: reads the text, hands it to its subcommand's module, and wires the command's
listeners; quick subcommands answer in the acknowledgement itself, slow ones acknowledge at once
and answer through `response_url` (see handlers/deferred.py)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.runtime import Runtime
from handlers.blocks import answers
from handlers.commands.add import ADD
from handlers.commands.campaign import CAMPAIGN
from handlers.commands.gaps import GAPS
from handlers.commands.help import HELP
from handlers.commands.owner import OWNER
from handlers.commands.parse import MAX_TEXT, Token, parse
from handlers.commands.register import REGISTER
from handlers.commands.report import REPORT
from handlers.commands.review import REVIEW
from handlers.commands.rule import RULE
from handlers.commands.subcommand import Call, Reply, Subcommand, say
from handlers.commands.sync import SYNC
from handlers.commands.who import WHO
from handlers.context import runtime_of
from handlers.deferred import planned
from handlers.errors import reported
from handlers.ids import Command

SUBCOMMANDS: dict[str, Subcommand] = {
    subcommand.name: subcommand
    for subcommand in (HELP, REGISTER, OWNER, ADD, REVIEW, WHO, GAPS, RULE, SYNC, REPORT, CAMPAIGN)
}

# Never plan slow work: their whole answer is the acknowledgement's body.
ANSWERED_IN_ACK = frozenset(name for name, sub in SUBCOMMANDS.items() if sub.follow_up is None)


def answer(runtime: Runtime, command: dict[str, Any], context: BoltContext) -> Reply:
    """The acknowledgement's body for one `/boundary` request (may plan slow work)."""
    parsed = parse(str(command.get("text") or ""))
    if parsed.too_long:
        return say(
            f"That is too long for me (at most {MAX_TEXT} characters). Try `/boundary help`."
        )
    if not parsed.name:
        return HELP.answer(_call(runtime, command, context, ()))
    subcommand = SUBCOMMANDS.get(parsed.name)
    if subcommand is None:
        return say(answers.unknown(parsed.name))
    return subcommand.answer(_call(runtime, command, context, parsed.args))


def _call(
    runtime: Runtime, command: dict[str, Any], context: BoltContext, args: tuple[Token, ...]
) -> Call:
    return Call(
        runtime=runtime,
        user_id=str(command["user_id"]),
        channel_id=command.get("channel_id"),
        trigger_id=command.get("trigger_id"),
        args=args,
        context=context,
    )


def acknowledge(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
    reply = answer(runtime_of(context), command, context)
    if reply:
        reply.setdefault("response_type", "ephemeral")
    ack(**reply)


@reported(Command.BOUNDARY)
def follow_up(context: BoltContext, client: WebClient, respond: Respond) -> None:
    """The slow part of a subcommand, after the acknowledgement, as the subcommand planned it."""
    work = planned(context)
    if work is None:
        return
    slow = SUBCOMMANDS[work["kind"]].follow_up
    if slow is not None:
        slow(runtime_of(context), work, client, respond)


def answered_in_ack(command: dict[str, Any]) -> bool:
    words = str(command.get("text") or "").split(maxsplit=1)
    return not words or words[0].lower() in ANSWERED_IN_ACK


def register(app: App) -> None:
    # Subcommands answered entirely in the acknowledgement get a listener with no lazy part:
    # bolt copies the request and starts a thread for every lazy listener, which cost more
    # than a whole `who` lookup (see docs/benchmarks/slack-http.md).
    app.command(Command.BOUNDARY, matchers=[answered_in_ack])(acknowledge)
    app.command(Command.BOUNDARY)(ack=acknowledge, lazy=[follow_up])
