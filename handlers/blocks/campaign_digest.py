"""The campaign lines that lead a nudge digest and name a campaign in an escalation: which
campaign, which integration, decided of total, how long until (or since) it is due, and the
command that opens its review."""

from __future__ import annotations

from bot.nudges.digest import CampaignReminder, Digest
from bot.text import plural
from handlers.blocks.text import SECTION_LIMIT, escape

# An owner of many integrations in one campaign sees this many lines; the rest are counted.
TOP_LINES = 10


def when_due(line: CampaignReminder) -> str:
    """`due in 2 days`, `due today`, `OVERDUE by 3 days`."""
    if line.days_left > 0:
        return f"due in {plural(line.days_left, 'day')}"
    if line.days_left == 0:
        return "due today"
    return f"*OVERDUE* by {plural(-line.days_left, 'day')}"


def what_to_do(line: CampaignReminder) -> str:
    command = f"`/boundary campaign review {escape(line.campaign)}`"
    if line.ready_to_sign:
        return f"every item is decided; sign it off: {command}"
    return f"{line.total - line.decided} to decide: {command}"


def campaign_line(line: CampaignReminder) -> str:
    return (
        f"• Campaign *{escape(line.campaign)}* · *{escape(line.integration)}*:"
        f" {line.decided}/{line.total} decided, {when_due(line)}. {what_to_do(line)}"
    )


def campaign_text(digest: Digest) -> str:
    """The digest's first section: its campaign lines, as many as the section holds."""
    lines = digest.campaigns
    head = "*Access review campaigns waiting on you*"
    for shown in range(min(len(lines), TOP_LINES), 0, -1):
        rest = len(lines) - shown
        body = [campaign_line(line) for line in lines[:shown]]
        if rest:
            body.append(f"…and {plural(rest, 'more integration')}: `/boundary campaign status`.")
        text = "\n".join([head, *body])
        if len(text) <= SECTION_LIMIT:
            return text
    return head + f"\n{plural(len(lines), 'integration')}: `/boundary campaign status`."


def campaign_summary(digest: Digest) -> str:
    """The notification's lead, in one sentence: the most pressing campaign first."""
    first = digest.campaigns[0]
    others = len({line.campaign for line in digest.campaigns}) - 1
    more = f" (and {plural(others, 'other campaign')})" if others else ""
    return escape(
        f"campaign {first.campaign}{more} {when_due(first).replace('*', '')},"
        f" {first.decided}/{first.total} decided on {first.integration}"
    )


def overdue_lines(lines: tuple[CampaignReminder, ...]) -> list[str]:
    """For escalations: each overdue campaign integration with how far behind it is."""
    return [
        f"• Campaign *{escape(line.campaign)}* · *{escape(line.integration)}*:"
        f" {line.decided}/{line.total} decided, {when_due(line)}"
        for line in lines
        if line.overdue
    ]
