"""`/boundary report [integration]`: the scope is checked in the acknowledgement, the evidence
summary follows through `response_url`."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.flows.registration import resolve_integration
from bot.report import evidence_summary
from bot.runtime import Runtime
from handlers.blocks import answers
from handlers.commands.subcommand import Call, Reply, Subcommand, Usage, respond_ephemeral
from handlers.deferred import plan


def answer(call: Call) -> Reply:
    if len(call.args) > 1:
        raise Usage("report")
    name = resolve_integration(call.runtime, call.args[0].text) if call.args else None
    plan(call.context, "report", integration=name)
    return {}


def show_report(
    runtime: Runtime, work: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    evidence = evidence_summary(runtime, integration=work["integration"])
    scope = f"`{work['integration']}`" if work["integration"] else "every integration"
    respond_ephemeral(
        respond, text="evidence summary", blocks=answers.report_blocks(evidence, scope)
    )


REPORT = Subcommand("report", answer, show_report)
