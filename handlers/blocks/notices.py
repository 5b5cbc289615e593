"""How the domain's notices read in Slack: escalations, backup-owner requests, orphan hand-overs
and reports, each with the people in them as mentions."""

from __future__ import annotations

from bot.nudges.digest import Digest, OpenIntegration
from bot.nudges.messenger import (
    BackupAsked,
    Escalation,
    Note,
    Notice,
    OrphanHandedOver,
    OrphanReported,
)
from bot.text import plural
from handlers.blocks.campaign_digest import overdue_lines
from handlers.blocks.text import escape, mention


def _counts(item: OpenIntegration) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in item.counts.items())


def escalation_text(digest: Digest) -> str:
    lines = [
        f":rotating_light: {mention(digest.owner)} has had"
        f" {plural(digest.unacted, 'boundary-review digest')}"
        " with no action. Still open:"
    ]
    for item in digest.integrations:
        backup = (
            f" (backup {mention(item.backup_owner)})" if item.backup_owner else " (no backup owner)"
        )
        lines.append(f"• *{escape(item.name)}*{backup}: {_counts(item)}")
    return "\n".join(lines + overdue_lines(digest.overdue_campaigns))


def backup_text(digest: Digest, backup: str) -> str:
    mine = [item for item in digest.integrations if item.backup_owner == backup]
    campaigns = tuple(line for line in digest.overdue_campaigns if line.backup_owner == backup)
    named = dict.fromkeys([item.name for item in mine] + [line.integration for line in campaigns])
    names = ", ".join(f"*{escape(name)}*" for name in named)
    lines = [
        f"You are the backup owner of {names}. Its owner {mention(digest.owner)} has not acted on"
        f" {plural(digest.unacted, 'digest')}; could you take a look?"
    ]
    lines += [f"• *{escape(item.name)}*: {_counts(item)}" for item in mine]
    return "\n".join(lines + overdue_lines(campaigns))


def notice_text(notice: Notice) -> str:
    match notice:
        case Escalation(digest=digest):
            return escalation_text(digest)
        case BackupAsked(digest=digest, backup=backup):
            return backup_text(digest, backup)
        case OrphanHandedOver(integration=name, gone_owner=owner):
            return (
                f"You are now the owner of *{escape(name)}*: its owner {mention(owner)} is"
                " deactivated or gone in Slack, and you were its backup owner. Pick a new backup"
                f" owner with `/boundary owner {escape(name)} backup @someone`."
            )
        case OrphanReported(integration=name, gone_owner=owner):
            return (
                f":warning: *{escape(name)}* is an orphan: its owner {mention(owner)} is"
                " deactivated or gone in Slack and it has no backup owner. Give it a new owner"
                f" with `/boundary owner {escape(name)} @someone`."
            )
        case Note(text=text):
            # A use case's sentence may quote a source (a connector's error): plain text.
            return escape(text)
