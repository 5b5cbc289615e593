"""`/boundary rule <integration> <rule> <workforce|customer>`: the rule and the right to add it
are checked in the acknowledgement; it is added, and what it declared told, after it."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot import rules
from bot.authorization import Actor
from bot.flows.declarations import add_rule
from bot.flows.registration import resolve_integration
from bot.runtime import Runtime
from handlers.blocks import answers
from handlers.commands.subcommand import Call, Reply, Subcommand, Usage, plain, respond_ephemeral
from handlers.deferred import plan
from handlers.events.home import publish_home
from storage.vocabulary import Answer


def answer(call: Call) -> Reply:
    if len(call.args) != 3:
        raise Usage("rule")
    rule_text = plain(call.args[1], "rule", "a rule")
    rules.parse_rule(rule_text)
    lane = call.args[2].text.lower()
    if lane not in (Answer.WORKFORCE, Answer.CUSTOMER):
        raise Usage("rule", "A rule declares `workforce` or `customer`.")
    named = plain(call.args[0], "rule", "an integration name")
    name = resolve_integration(call.runtime, named, steward=call.actor)
    plan(call.context, "rule", integration=name, rule=rule_text, answer=lane, user=call.user_id)
    return {}


def apply_rule(runtime: Runtime, work: dict[str, Any], client: WebClient, respond: Respond) -> None:
    recorded = add_rule(
        runtime,
        actor=Actor.slack_user(work["user"], runtime.settings.admins),
        integration=work["integration"],
        rule=work["rule"],
        answer=Answer(work["answer"]),
    )
    respond_ephemeral(respond, text=answers.rule_text(work["rule"], recorded))
    publish_home(client, runtime, user_id=work["user"])


RULE = Subcommand("rule", answer, apply_rule)
