"""Ephemeral answers to `/boundary campaign ...`: a launch, a close, and progress."""

from __future__ import annotations

from typing import Any

from bot.campaigns.closing import Closed
from bot.campaigns.launch import Launched
from bot.campaigns.progress import CampaignProgress, IntegrationProgress
from bot.text import plural
from handlers.blocks.text import MESSAGE_BLOCKS, clip, context, escape, mention, section

MAX_ROWS = 25


def started_text(launched: Launched) -> str:
    lines = [
        f":white_check_mark: Started campaign `{launched.name}`:"
        f" {plural(launched.population, 'identity', 'identities')} in"
        f" {plural(len(launched.scope), 'integration')}, due {launched.due_on.isoformat()}.",
        f"Population root `{launched.root}` (in the audit chain).",
    ]
    for source in launched.stale:
        lines.append(f":warning: stale, allowed: `{source.integration}`: {escape(source.reason)}")
    if launched.stale_reason:
        lines.append(f"Reason on record: _{escape(clip(launched.stale_reason, 300))}_")
    lines.append(f"Reviewers: `/boundary campaign review {launched.name}`.")
    return "\n".join(lines)


def closed_text(closed: Closed, *, escalated: bool | None, channel: str | None) -> str:
    lines = [
        f":lock: Closed campaign `{closed.campaign}`: {closed.decided} of {closed.total} decided."
    ]
    if closed.unreviewed:
        lines.append(f"Recorded as unreviewed ({plural(closed.undecided, 'item')}):")
        lines += [
            f"• `{entry.integration}` (owner {mention(entry.owner)}): {entry.undecided}"
            for entry in closed.unreviewed[:MAX_ROWS]
        ]
        if len(closed.unreviewed) > MAX_ROWS:
            lines.append(f"…and {len(closed.unreviewed) - MAX_ROWS} more integrations.")
    if escalated is True:
        lines.append(f"Escalated to {_channel(channel)}.")
    elif escalated is False and channel is None:
        lines.append("No escalation channel is configured (BOUNDARY_ESCALATION_CHANNEL).")
    elif escalated is False:
        lines.append(
            f":warning: The escalation to {_channel(channel)} did not go out; see the log."
        )
    return "\n".join(lines)


def _channel(channel: str | None) -> str:
    """The configured channel as a link when it is a channel id, else as text."""
    value = channel or ""
    if value[:1] in ("C", "G") and value.isalnum() and value.isupper():
        return f"<#{value}>"
    return f"`{escape(value)}`"


def _row(row: IntegrationProgress) -> str:
    signed = f", signed off by {mention(row.signed_off_by)}" if row.signed_off_by else ""
    delegate = f", delegated to {mention(row.delegate)}" if row.delegate else ""
    return (
        f"• `{row.integration}` (owner {mention(row.owner)}{delegate}):"
        f" {row.decided}/{row.total} decided{signed}"
    )


def _state(campaign: CampaignProgress) -> str:
    if campaign.closed_at is not None:
        return f"closed ({campaign.close_rule})"
    if campaign.overdue:
        return f":warning: OVERDUE (due {campaign.due_on.isoformat()})"
    return f"due {campaign.due_on.isoformat()} ({plural(campaign.days_left, 'day')} left)"


def progress_line(campaign: CampaignProgress) -> str:
    return (
        f"*{campaign.name}* — {_state(campaign)}: {campaign.decided}/{campaign.population}"
        f" decided, {campaign.signed_off}/{len(campaign.integrations)} integrations signed off"
    )


def status_blocks(found: list[CampaignProgress]) -> list[dict[str, Any]]:
    if not found:
        return [
            section("No campaign is open. An admin starts one with `/boundary campaign start`.")
        ]
    blocks: list[dict[str, Any]] = []
    for campaign in found[: MESSAGE_BLOCKS - 1]:
        rows = [_row(row) for row in campaign.integrations[:MAX_ROWS]]
        more = len(campaign.integrations) - MAX_ROWS
        if more > 0:
            rows.append(f"…and {more} more: `boundary-bot campaign status {campaign.name}`")
        blocks.append(section("\n".join([progress_line(campaign), *rows])))
    if len(found) >= MESSAGE_BLOCKS:
        blocks.append(context("More campaigns are open: `boundary-bot campaign status`."))
    return blocks
