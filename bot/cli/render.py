"""Rich tables for `--format table`: integrations, gaps, lookups and planned digests.

Every cell is a `Text`, so stored values (`[/bold]`, `[red]x[/red]`) print as they are on any
console, and columns fold rather than cut a value that does not fit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from bot.cli.records import Names, identity_label
from bot.gaps import Gap, count_by_kind
from bot.lookup_views import IdentityView, IntegrationSummary, IntegrationView, Lookup, LookupKind
from bot.nudges.cycle import CycleReport
from bot.nudges.digest import describe_counts
from bot.who import MAX_RESULTS
from storage.models import Integration


def _table(*columns: str, title: str | None = None) -> Table:
    table = Table(title=Text(title) if title else None)
    for column in columns:
        table.add_column(Text(column), overflow="fold")
    return table


def _row(table: Table, *cells: object) -> None:
    table.add_row(*(Text("" if cell is None else str(cell)) for cell in cells))


def integrations_table(integrations: Sequence[Integration]) -> Table:
    table = _table("name", "layer", "owner", "backup", "sso", "scim", title="integrations")
    for item in integrations:
        owner = item.owner if item.owner_active else f"{item.owner} (inactive)"
        _row(table, item.name, item.layer, owner, item.backup_owner, item.sso, item.scim)
    return table


def gaps_table(gaps: Sequence[Gap], names: Names) -> RenderableType:
    if not gaps:
        return Text("no open gaps")
    counts = ", ".join(f"{kind}: {n}" for kind, n in count_by_kind(gaps).items())
    table = _table("kind", "integration", "identity", "owner", "why", title=f"open gaps ({counts})")
    for gap in gaps:
        label = identity_label(names, gap.integration, gap.identity)
        _row(table, gap.kind, gap.integration, label, gap.owner, gap.detail)
    return table


def _details(view: IdentityView) -> str:
    """What the source says of a key or account, on one line."""
    facts = [
        f"owned by {view.owned_by}" if view.owned_by else "",
        f"created {view.source_created_at:%Y-%m-%d}" if view.source_created_at else "",
        f"last used {view.last_used_at:%Y-%m-%d}" if view.last_used_at else "",
        f"expires {view.expires_at:%Y-%m-%d}" if view.expires_at else "",
        f"scopes {view.scopes}" if view.scopes else "",
        f"in {view.container}" if view.container else "",
    ]
    return " · ".join(fact for fact in facts if fact)


def _identities_table(identities: Iterable[IdentityView], repeated: frozenset[str]) -> Table:
    table = _table(
        "integration", "identity", "kind", "lane", "declared by", "when", "owner", "details"
    )
    for view in identities:
        lane = str(view.answer) if view.answer else "undeclared"
        when = f"{view.declared_at:%Y-%m-%d}" if view.declared_at else ""
        label = view.email or view.display_name or view.external_id
        if view.email and view.email in repeated:
            label = f"{view.email} ({view.external_id})"
        _row(
            table,
            view.integration,
            label,
            view.kind,
            lane + (f" (rule {view.rule})" if view.rule else ""),
            view.declared_by,
            when,
            view.owner,
            _details(view),
        )
    return table


def _integration_text(i: IntegrationView) -> Text:
    return Text(
        f"{i.name} ({i.layer}): owner {i.owner}"
        + (f", backup {i.backup_owner}" if i.backup_owner else "")
        + f"; sso {i.sso}, scim {i.scim}"
        + ("" if i.owner_active else "; owner is inactive in Slack")
    )


def _summary_text(summary: IntegrationSummary) -> Text:
    lanes = ", ".join(f"{lane} {n}" for lane, n in summary.lanes.items())
    text = f"{summary.identities} active identities: {lanes}"
    if summary.open_gaps is not None:
        kinds = ", ".join(f"{kind} {n}" for kind, n in summary.gaps_by_kind.items())
        text += f"; open gaps {summary.open_gaps}" + (f" ({kinds})" if kinds else "")
    return Text(text)


def lookup_renderable(found: Lookup) -> RenderableType:
    parts: list[RenderableType] = []
    repeated = found.repeated_emails
    if found.kind is LookupKind.PREFIX:
        parts.append(Text(f"starting with {found.query}:"))
    if found.kind is LookupKind.DOMAIN:
        parts.append(Text(f"identities at {found.query}:"))
    if found.integration is not None:
        parts.append(_integration_text(found.integration))
        if found.summary is not None:
            parts.append(_summary_text(found.summary))
    else:
        parts.extend(_integration_text(view) for view in found.integrations)
    if found.owned:
        parts.append(Text(f"{found.query} owns or backs up:"))
        parts.append(_owned_table(found))
    if found.identities:
        parts.append(_identities_table(found.identities, repeated))
    if found.owned_identities:
        parts.append(Text("keys and accounts they own or created:"))
        parts.append(_identities_table(found.owned_identities, repeated))
    if found.more:
        parts.append(Text(f"showing the first {MAX_RESULTS} of each; json lists the same"))
    return Group(*parts)


def _owned_table(found: Lookup) -> Table:
    table = _table("name", "layer", "role", "sso", "scim")
    for view in found.owned:
        role = "owner" if view.owner == found.query else "backup"
        _row(table, view.name, view.layer, role, view.sso, view.scim)
    return table


def plan_table(report: CycleReport, names: Names) -> Table:
    """What a dry-run sweep would send: one row per owner's digest."""
    table = _table("owner", "cycle", "open", "by kind", "most urgent", "escalates")
    for digest in report.digests:
        first = digest.items[0] if digest.items else None
        urgent = ""
        if first is not None:
            label = identity_label(names, first.integration, first.identity)
            urgent = f"{first.integration}{f' {label}' if label else ''}: {first.kind}"
        _row(
            table,
            digest.owner,
            digest.cycle,
            digest.total,
            describe_counts(digest.counts),
            urgent,
            "yes" if digest.escalate else "",
        )
    return table
