"""Ephemeral answers to `/boundary`: help and usage, what was recorded, lookups, gaps, reports,
syncs."""

from __future__ import annotations

from typing import Any

from bot.declarations import Recorded
from bot.gaps import count_by_kind
from bot.gaps.summary import GapSummary
from bot.report import Report
from bot.sync import SyncOutcome
from bot.text import plural
from handlers.blocks.text import (
    clip,
    context,
    escape,
    mention,
    section,
)
from storage.models import Identity, Integration
from storage.vocabulary import GapKind

USAGE: dict[str, tuple[str, str]] = {
    "help": ("help", "this list"),
    "register": (
        "register <name> [platform|application] [@owner]",
        "register an integration (owner defaults to you; missing details open a form)."
        " Example: `/boundary register openai-platform platform @dana`",
    ),
    "owner": (
        "owner <integration> @user [backup @user]",
        "reassign the owner and/or the backup owner."
        " Example: `/boundary owner acme-tenant @lee backup @sam`",
    ),
    "add": (
        "add <integration> <email-or-id> [kind]",
        "add an identity by hand; kind is human (default), service_account, api_key, bot or"
        " group. Example: `/boundary add openai-platform svc-deploy service_account`",
    ),
    "review": (
        "review [integration]",
        "sends you the declaration prompt now. Example: `/boundary review acme-tenant`",
    ),
    "who": (
        "who <integration | @user | email | domain | name | identity id, or their start>",
        "who owns it, its lane, who declared it and when; an integration's lanes and open gaps;"
        " a person's keys. Part of a name finds what starts with it, a typo gets suggestions."
        ' Examples: `/boundary who openai`, `/boundary who acme.com`, `/boundary who "Dev One"`',
    ),
    "gaps": (
        "gaps [integration | @user]",
        "open gaps, grouped by kind, with counts. Example: `/boundary gaps @dana`",
    ),
    "rule": (
        "rule <integration> <domain:x.com | kind:service_account | role:admin>"
        " <workforce|customer>",
        "declare every matching identity at once."
        " Example: `/boundary rule acme-tenant domain:acme.com customer`",
    ),
    "sync": (
        "sync <integration>",
        "pull identities and SSO/SCIM facts from its connector now",
    ),
    "report": (
        "report [integration]  ·  report package [campaign]",
        "a summary of the evidence; `package`: the evidence package as a zip in your DM (admins)",
    ),
    "campaign": (
        "campaign start|status|close|review …",
        "review campaigns: a named review of a frozen population, decided item by item",
    ),
}

# Each of `campaign`'s own forms, listed under it by `help` and shown when one does not parse.
CAMPAIGN_USAGE: dict[str, tuple[str, str]] = {
    "campaign start": (
        'campaign start <name> due:YYYY-MM-DD [integration ...] [allow-stale "reason"]',
        "admins: freeze the population (every integration unless named) and start reviewing."
        " Example: `/boundary campaign start q1-review due:2027-03-31 acme-tenant`",
    ),
    "campaign status": (
        "campaign status [name]",
        "decided of total per integration, signed off, overdue (every open campaign by default)",
    ),
    "campaign close": (
        "campaign close <name> [leave|escalate]",
        "admins: close it; what is undecided is recorded as unreviewed (`escalate` also tells"
        " the escalation channel)",
    ),
    "campaign review": (
        "campaign review <name> [integration]",
        "sends you the campaign prompt: the items you decide, keep, change or remove",
    ),
}

GAP_LINES = 15


def usage(name: str, problem: str | None = None) -> str:
    syntax, explanation = (USAGE | CAMPAIGN_USAGE)[name]
    lead = f"{problem}\n" if problem else ""
    return f"{lead}Usage: `/boundary {escape(syntax)}` — {explanation}"


def help_blocks() -> list[dict[str, Any]]:
    lead = (
        "*boundary-bot* keeps the boundary between AI-platform access (*workforce*) and"
        " customer-application access (*customer*) declared and current."
    )
    # `<name>` placeholders are escaped like any text: raw, Slack would read them as links.
    lines = []
    for name, (syntax, explanation) in USAGE.items():
        lines.append(f"• `/boundary {escape(syntax)}` — {explanation}")
        if name == "campaign":
            lines += [f"    ◦ `/boundary {escape(s)}` — {e}" for s, e in CAMPAIGN_USAGE.values()]
    return [section(lead), section("\n".join(lines))]


def unknown(name: str) -> str:
    return (
        f"I don't know `/boundary {escape(clip(name, 40))}`."
        f" Try one of: {', '.join(f'`{n}`' for n in USAGE)} — or `/boundary help`."
    )


def gaps_blocks(summary: GapSummary, scope: str) -> list[dict[str, Any]]:
    """The counts of every kind, then the first `GAP_LINES` gaps (`summary.first`) by kind."""
    if not summary.total:
        return [section(f":white_check_mark: No open gaps in {scope}.")]
    counts = ", ".join(f"*{kind}* {n}" for kind, n in summary.counts.items())
    blocks = [section(f"Open gaps in {scope}: {counts}")]
    shown = 0
    for kind, total in summary.counts.items():
        if shown >= GAP_LINES:
            break
        lines = []
        for gap in [gap for gap in summary.first if gap.kind == kind][: GAP_LINES - shown]:
            subject = f" `{escape(clip(gap.identity, 60))}`" if gap.identity else ""
            if gap.kind is GapKind.ORPHAN:
                subject += f" (owner {mention(gap.owner)})"
            lines.append(f"• `{gap.integration}`{subject}: {escape(clip(gap.detail, 200))}")
            shown += 1
        more = f"\n…and {total - len(lines)} more" if total > len(lines) else ""
        blocks.append(section(f"*{kind}* ({total})\n" + "\n".join(lines) + more))
    blocks.append(context("The full list: `boundary-bot gaps --format json`."))
    return blocks


def report_blocks(report: Report, scope: str) -> list[dict[str, Any]]:
    counts = ", ".join(f"{kind} {n}" for kind, n in count_by_kind(report.gaps).items()) or "none"
    chain = (
        f":white_check_mark: audit chain OK ({plural(report.chain_count, 'declaration')})"
        if report.chain_ok
        else f":x: audit chain BROKEN after {plural(report.chain_count, 'declaration')} — run"
        " `boundary-bot audit verify`"
    )
    return [
        section(
            f"*Evidence summary for {scope}* ({plural(len(report.integrations), 'integration')})\n"
            f"Open gaps: {counts}\n{chain}"
        ),
        context(
            "The full evidence (every identity, its lane, who declared it and when) is"
            " `boundary-bot report --format csv` (or `--format json`) on the bot's host."
        ),
    ]


def sync_text(outcome: SyncOutcome) -> str:
    if not outcome.ok:
        return f":x: Sync of `{outcome.integration}` failed: {escape(outcome.error or 'unknown')}"
    return (
        f":white_check_mark: Synced `{outcome.integration}`: {outcome.seen} seen,"
        f" {outcome.created} new, {outcome.updated} updated, {outcome.deactivated} deactivated."
    )


def registered_text(integration: Integration) -> str:
    return (
        f":white_check_mark: Registered `{integration.name}` ({integration.layer} layer),"
        f" owner {mention(integration.owner)}. Add identities with"
        f" `/boundary add {integration.name} &lt;email-or-id&gt;`, or import a CSV with"
        " `boundary-bot import`."
    )


def added_text(identity: Identity, integration: str) -> str:
    """`integration` is the name as typed (it named an integration, so it is nearly a slug)."""
    name = escape(integration.strip().lower())
    return (
        f":white_check_mark: Added `{escape(identity.external_id)}` ({identity.kind}) to"
        f" `{name}`. It waits for a lane: `/boundary review {name}`."
    )


def rule_text(rule: str, recorded: Recorded) -> str:
    return (
        f":white_check_mark: Rule `{escape(clip(rule, 200))}` → `{recorded.answer}`"
        f" on `{recorded.integration}`:"
        f" {recorded.count} identit{'y' if recorded.count == 1 else 'ies'} declared now; new"
        " ones it matches will be declared as they arrive."
    )


def owner_text(integration: Integration) -> str:
    backup = f", backup {mention(integration.backup_owner)}" if integration.backup_owner else ""
    return (
        f":white_check_mark: `{integration.name}` is now owned by"
        f" {mention(integration.owner)}{backup}."
    )


def package_comment(head: str, root: str | None) -> str:
    """The message that comes with the evidence package in the requester's DM."""
    root_line = f"\nPopulation root `{root}`" if root else ""
    return (
        "The evidence package: unzip it and run `python3 verify.py` (standard library only)."
        f"\nChain head `{head}`{root_line}\nCompare the head with one kept outside the bot."
    )
