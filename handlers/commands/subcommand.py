"""What every `/boundary` subcommand gets (a Call), gives back (a Reply, the acknowledgement's
body) and shares: usage errors, readers of its arguments, the ephemeral follow-up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient

from bot import validation
from bot.authorization import Actor
from bot.runtime import Runtime
from handlers.blocks import answers
from handlers.blocks.text import escape
from handlers.commands.parse import Token
from handlers.errors import SlackAnswer

Reply = dict[str, Any]
# The slow part of a subcommand, after the acknowledgement: the runtime, the plan the
# acknowledgement made (handlers/deferred.py), and where to answer.
FollowUp = Callable[[Runtime, dict[str, Any], WebClient, Respond], None]


class Usage(SlackAnswer):
    """Input that does not parse: the answer is the subcommand's usage, after `problem` (mrkdwn;
    quote what was typed with `quoted`)."""

    def __init__(self, name: str, problem: str | None = None) -> None:
        super().__init__(answers.usage(name, problem))


@dataclass(frozen=True)
class Call:
    runtime: Runtime
    user_id: str
    channel_id: str | None
    trigger_id: str | None
    args: tuple[Token, ...]
    context: BoltContext

    @property
    def actor(self) -> Actor:
        return Actor.slack_user(self.user_id, self.runtime.settings.admins)


@dataclass(frozen=True)
class Subcommand:
    name: str
    answer: Callable[[Call], Reply]
    # None: the whole answer is the acknowledgement, and nothing is ever planned.
    follow_up: FollowUp | None = None


def say(text: str) -> Reply:
    return {"text": text, "response_type": "ephemeral"}


def quoted(token: Token) -> str:
    """What someone typed, as a usage problem quotes it: clipped, in code, escaped."""
    return f"`{escape(validation.clip(token.text))}`"


def plain(token: Token, name: str, what: str) -> str:
    if token.user or token.channel:
        raise Usage(name, f"Expected {what}, got a mention.")
    return token.text


def user(token: Token, name: str) -> str:
    if token.user:
        return token.user
    if validation.looks_like_slack_user(token.text):
        return token.text
    raise Usage(name, f"{quoted(token)} is not a @mention.")


def respond_ephemeral(
    respond: Respond, *, text: str, blocks: list[dict[str, Any]] | None = None
) -> None:
    respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
