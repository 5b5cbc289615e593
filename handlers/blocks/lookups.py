"""The answer to `/boundary who`: an integration with its lanes and gaps, identities with what
is known of them, what a person owns, prefix matches and did-you-mean suggestions."""

from __future__ import annotations

from typing import Any

from bot.lookup_views import IdentityView, IntegrationSummary, IntegrationView, Lookup, LookupKind
from bot.text import plural
from bot.who import MAX_RESULTS, MIN_PREFIX
from handlers.blocks.text import (
    MESSAGE_BLOCKS,
    SECTION_LIMIT,
    clip,
    context,
    day,
    escape,
    mention,
    section,
)


def _integration_line(view: IntegrationView, role: str | None = None) -> str:
    backup = f", backup {mention(view.backup_owner)}" if view.backup_owner else ""
    inactive = " :warning: owner inactive in Slack" if not view.owner_active else ""
    role_text = f" ({role})" if role else ""
    return (
        f"`{view.name}`{role_text} — {view.layer} layer, owner {mention(view.owner)}{backup};"
        f" SSO `{view.sso}`, SCIM `{view.scim}`{inactive}"
    )


def _summary_line(summary: IntegrationSummary) -> str:
    lanes = ", ".join(f"{lane} {n}" for lane, n in summary.lanes.items())
    line = f"{plural(summary.identities, 'active identity', 'active identities')}: {lanes}"
    if summary.open_gaps is not None:
        kinds = ", ".join(f"{kind} {n}" for kind, n in summary.gaps_by_kind.items())
        line += f" · open gaps *{summary.open_gaps}*" + (f" ({kinds})" if kinds else "")
    return line


# What each source calls the part of it an identity belongs to.
_CONTAINER_NOUNS = {"openai": "project", "anthropic": "workspace"}


def _details(view: IdentityView) -> str:
    """What the source says of a key or account: owner, dates, scopes, container. Every part is
    source text or a date, escaped: an owner `<!channel>` pings nobody."""
    facts = []
    if view.owned_by:
        # Anthropic names who created a key; OpenAI who owns it.
        by = "created by" if view.source == "anthropic" else "owned by"
        facts.append(f"{by} {escape(clip(view.owned_by, 80))}")
    if view.source_created_at is not None:
        facts.append(f"created {day(view.source_created_at)}")
    if view.last_used_at is not None:
        facts.append(f"last used {day(view.last_used_at)}")
    if view.expires_at is not None:
        facts.append(f"expires {day(view.expires_at)}")
    if view.scopes:
        facts.append(f"scopes {escape(clip(view.scopes, 80))}")
    if view.container:
        noun = _CONTAINER_NOUNS.get(view.source, "container")
        facts.append(f"{noun} {escape(clip(view.container, 60))}")
    return " · ".join(facts)


def _identity_label(view: IdentityView, repeated: frozenset[str]) -> str:
    """The email people recognise, with the external id when several rows share the email."""
    if view.email and view.email in repeated:
        return f"{escape(clip(view.email, 80))} (`{escape(clip(view.external_id, 60))}`)"
    return escape(clip(view.email or view.external_id, 80))


def _identity_line(view: IdentityView, repeated: frozenset[str] = frozenset()) -> str:
    if view.answer is None:
        lane = "*no lane yet*"
    else:
        by = f" by {mention(view.declared_by)}" if view.declared_by else ""
        lane = f"`{view.answer}`{by} on {day(view.declared_at)}"
        if view.rule:
            lane += f" (rule `{escape(view.rule)}`)"
    inactive = " (inactive)" if str(view.status) != "active" else ""
    line = (
        f"{_identity_label(view, repeated)}{inactive} in `{view.integration}` ({view.kind})"
        f" — {lane}; owner {mention(view.owner)}"
    )
    details = _details(view)
    return f"{line}\n      {details}" if details else line


def _sections(lead: str, lines: list[str]) -> list[dict[str, Any]]:
    """`lead` and `lines` in as few sections as Slack's section limit allows."""
    blocks: list[dict[str, Any]] = []
    text = lead
    for line in lines:
        if text and len(text) + 1 + len(line) > SECTION_LIMIT:
            blocks.append(section(text))
            text = ""
        text = f"{text}\n{line}" if text else line
    if text:
        blocks.append(section(text))
    return blocks


def _not_found(found: Lookup) -> list[dict[str, Any]]:
    query = escape(clip(found.query, 80))
    if found.kind is LookupKind.USER:
        return [section(f"{mention(found.query)} owns no integrations and no keys.")]
    if found.too_short:
        return [
            section(
                f"`{query}` is too short to search: type at least {MIN_PREFIX} characters,"
                " or a whole email, identity id or @user."
            )
        ]
    if found.suggestions:
        meant = ", ".join(f"`{escape(clip(s.text, 80))}` ({s.what})" for s in found.suggestions)
        return [
            section(f"Nothing matches `{query}`. Did you mean {meant}?"),
            context("Look one up with `/boundary who` and the name as shown."),
        ]
    return [
        section(
            f"Nothing matches `{query}`: no integration, email, domain, name or identity id"
            " is or starts with it."
        )
    ]


def who_blocks(found: Lookup) -> list[dict[str, Any]]:
    if not found.found:
        return _not_found(found)
    query = escape(clip(found.query, 80))
    repeated = found.repeated_emails
    blocks: list[dict[str, Any]] = []
    if found.kind is LookupKind.PREFIX:
        blocks.append(section(f"Starting with `{query}`:"))
    if found.kind is LookupKind.DOMAIN:
        blocks.append(section(f"Identities at `{query}`:"))
    if found.integration is not None:
        lines = [_integration_line(found.integration)]
        if found.summary is not None:
            lines.append(_summary_line(found.summary))
        blocks.append(section("\n".join(lines)))
    elif found.integrations:
        blocks.extend(_sections("", [_integration_line(v) for v in found.integrations]))
    if found.owned:
        lines = [
            _integration_line(v, "owner" if v.owner == found.query else "backup")
            for v in found.owned
        ]
        lead = f"{mention(found.query)} owns or backs up:"
        blocks.extend(_sections(lead, lines))
    if found.identities:
        blocks.extend(_sections("", [_identity_line(v, repeated) for v in found.identities]))
    if found.owned_identities:
        lines = [_identity_line(v, repeated) for v in found.owned_identities]
        blocks.extend(_sections("Keys and accounts they own or created:", lines))
    if found.more:
        blocks.append(context(f"Showing the first {MAX_RESULTS} of each; be more specific."))
    return blocks[:MESSAGE_BLOCKS]


def who_text(found: Lookup) -> str:
    return f"who {escape(clip(found.query, 80))}"
