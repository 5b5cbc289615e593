"""`/boundary report [integration]` and `/boundary report package [campaign]`: the scope is
checked in the acknowledgement; the evidence summary follows through `response_url`, the
evidence package as a file in the requester's DM."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.authorization import Actor
from bot.flows.evidence import package_for, require_package_access
from bot.flows.registration import resolve_integration
from bot.report import evidence_summary
from bot.runtime import Runtime
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

PACKAGE = "package"


def answer(call: Call) -> Reply:
    if call.args and call.args[0].text.lower() == PACKAGE:
        return _package(call)
    if len(call.args) > 1:
        raise Usage("report")
    name = resolve_integration(call.runtime, call.args[0].text) if call.args else None
    plan(call.context, "report", integration=name)
    return {}


def _package(call: Call) -> Reply:
    if len(call.args) > 2:
        raise Usage("report")
    campaign = plain(call.args[1], "report", "a campaign name") if len(call.args) == 2 else None
    require_package_access(call.actor)
    plan(call.context, "report", package=True, campaign=campaign, user=call.user_id)
    return say("Building the evidence package: it arrives in your DM as a file.")


def show_report(
    runtime: Runtime, work: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    if work.get("package"):
        send_package(runtime, work, client, respond)
        return
    evidence = evidence_summary(runtime, integration=work["integration"])
    scope = f"`{work['integration']}`" if work["integration"] else "every integration"
    respond_ephemeral(
        respond, text="evidence summary", blocks=answers.report_blocks(evidence, scope)
    )


def send_package(
    runtime: Runtime, work: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    """Export into a temporary directory, upload the zip to the requester's DM (files:write),
    and delete it: the bot's host keeps no copy."""
    user = str(work["user"])
    actor = Actor.slack_user(user, runtime.settings.admins)
    with tempfile.TemporaryDirectory(prefix="boundary-evidence-") as directory:
        summary = package_for(
            runtime, actor=actor, campaign=work["campaign"], directory=Path(directory)
        )
        channel = client.conversations_open(users=user)["channel"]["id"]
        client.files_upload_v2(
            channel=channel,
            file=str(summary.path),
            filename=summary.path.name,
            title=summary.path.name,
            initial_comment=answers.package_comment(summary.head, summary.root),
        )
    respond_ephemeral(respond, text=f"The evidence package {summary.path.name} is in your DM.")


REPORT = Subcommand("report", answer, show_report)
