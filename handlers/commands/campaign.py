"""`/boundary campaign start|status|close|review`: the text is read in the acknowledgement
(malformed input gets its usage); `status` answers there, the others answer after it (a launch
freezes a whole population, a close may tell the escalation channel, a review sends DMs)."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.authorization import Actor
from bot.flows import campaigns
from bot.runtime import Runtime
from handlers.blocks import campaign_answers
from handlers.campaign_prompt import send_campaign_prompt
from handlers.commands.parse import Token
from handlers.commands.subcommand import Call, Reply, Subcommand, Usage, plain, quoted, say
from handlers.deferred import plan
from handlers.messenger import SlackMessenger
from storage.vocabulary import CloseRule

NAME = "campaign"
ALLOW_STALE = "allow-stale"
# Straight quotes, and the curly ones Slack clients type for them.
QUOTES = "\"'\u201c\u201d\u2018\u2019"


def answer(call: Call) -> Reply:
    if not call.args:
        raise Usage(NAME, "Which one: `start`, `status`, `close` or `review`?")
    action, rest = call.args[0].text.lower(), call.args[1:]
    if action == "start":
        return _start(call, rest)
    if action == "status":
        return _status(call, rest)
    if action == "close":
        return _close(call, rest)
    if action == "review":
        return _review(call, rest)
    raise Usage(NAME, f"{quoted(call.args[0])} is not one of `start`, `status`, `close`, `review`.")


def _due(token: Token) -> date:
    value = token.text[len("due:") :]
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Usage(
            "campaign start", f"{quoted(token)} is not a due date like `due:2027-03-31`."
        ) from None


def _start(call: Call, args: tuple[Token, ...]) -> Reply:
    usage = "campaign start"
    if len(args) < 2:
        raise Usage(usage)
    name = plain(args[0], usage, "a campaign name")
    due: date | None = None
    integrations: list[str] = []
    reason: str | None = None
    for index, token in enumerate(args[1:], start=1):
        if token.text.lower() == ALLOW_STALE:
            reason = " ".join(t.text for t in args[index + 1 :]).strip(QUOTES + " ")
            if not reason:
                raise Usage(usage, '`allow-stale` needs a reason: `allow-stale "why"`.')
            break
        if token.text.lower().startswith("due:"):
            due = _due(token)
        else:
            integrations.append(plain(token, usage, "an integration name"))
    if due is None:
        raise Usage(usage, "A campaign needs a due date: `due:YYYY-MM-DD`.")
    plan(
        call.context,
        NAME,
        action="start",
        user=call.user_id,
        name=name,
        due=due.isoformat(),
        integrations=integrations,
        reason=reason,
    )
    return {}


def _status(call: Call, args: tuple[Token, ...]) -> Reply:
    if len(args) > 1:
        raise Usage("campaign status")
    name = plain(args[0], "campaign status", "a campaign name") if args else None
    found = campaigns.status(call.runtime, name=name)
    return {
        "text": "campaign status",
        "blocks": campaign_answers.status_blocks(found),
        "response_type": "ephemeral",
    }


def _close(call: Call, args: tuple[Token, ...]) -> Reply:
    usage = "campaign close"
    if not 1 <= len(args) <= 2:
        raise Usage(usage)
    name = plain(args[0], usage, "a campaign name")
    rule = args[1].text.lower() if len(args) == 2 else str(CloseRule.LEAVE)
    if rule not in (CloseRule.LEAVE, CloseRule.ESCALATE):
        raise Usage(usage, f"{quoted(args[1])} is not `leave` or `escalate`.")
    plan(call.context, NAME, action="close", user=call.user_id, name=name, rule=rule)
    return {}


def _review(call: Call, args: tuple[Token, ...]) -> Reply:
    usage = "campaign review"
    if not 1 <= len(args) <= 2:
        raise Usage(usage)
    name = plain(args[0], usage, "a campaign name")
    named = plain(args[1], usage, "an integration name") if len(args) == 2 else None
    # Refused at once when the campaign, the integration or the right to review it is wrong.
    campaigns.review_integrations(call.runtime, actor=call.actor, campaign=name, integration=named)
    plan(call.context, NAME, action="review", user=call.user_id, name=name, integration=named)
    return say(f"I'm sending you the campaign prompt for `{name}` in a direct message.")


def follow(runtime: Runtime, work: dict[str, Any], client: WebClient, respond: Respond) -> None:
    actor = Actor.slack_user(work["user"], runtime.settings.admins)
    if work["action"] == "start":
        launched = campaigns.start(
            runtime,
            actor=actor,
            name=work["name"],
            due_on=date.fromisoformat(work["due"]),
            integrations=work["integrations"],
            stale_reason=work["reason"],
        )
        text = campaign_answers.started_text(launched)
    elif work["action"] == "close":
        closed = campaigns.close(
            runtime, actor=actor, name=work["name"], rule=CloseRule(work["rule"])
        )
        escalated: bool | None = None
        if closed.rule is CloseRule.ESCALATE:
            channel = runtime.settings.escalation_channel
            escalated = campaigns.escalate_unreviewed(
                SlackMessenger(client), channel=channel, closed=closed
            )
        text = campaign_answers.closed_text(
            closed, escalated=escalated, channel=runtime.settings.escalation_channel
        )
    else:
        send_campaign_prompt(
            client,
            runtime,
            user_id=work["user"],
            campaign=work["name"],
            integration=work["integration"],
        )
        return
    respond(text=text, response_type="ephemeral", replace_original=False)


CAMPAIGN = Subcommand(NAME, answer, follow)
