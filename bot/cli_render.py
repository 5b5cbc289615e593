"""Rich tables for the CLI: integrations, gaps, lookups."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from bot.gaps import Gap, count_by_kind
from bot.lookup import IdentityView, Lookup
from storage.models import Integration


def integrations_table(integrations: Sequence[Integration]) -> Table:
    table = Table("name", "layer", "owner", "backup", "sso", "scim", title="integrations")
    for item in integrations:
        owner = item.owner if item.owner_active else f"{item.owner} (inactive)"
        table.add_row(
            item.name,
            str(item.layer),
            owner,
            item.backup_owner or "",
            str(item.sso),
            str(item.scim),
        )
    return table


def gaps_table(gaps: Sequence[Gap]) -> RenderableType:
    if not gaps:
        return Text("no open gaps")
    counts = ", ".join(f"{kind}: {n}" for kind, n in count_by_kind(gaps).items())
    table = Table("kind", "integration", "identity", "owner", "why", title=f"open gaps ({counts})")
    for gap in gaps:
        table.add_row(str(gap.kind), gap.integration, gap.identity or "", gap.owner, gap.detail)
    return table


def _identities_table(identities: Iterable[IdentityView]) -> Table:
    table = Table("integration", "identity", "kind", "lane", "declared by", "when", "owner")
    for view in identities:
        lane = str(view.answer) if view.answer else "undeclared"
        when = f"{view.declared_at:%Y-%m-%d}" if view.declared_at else ""
        table.add_row(
            view.integration,
            view.email or view.external_id,
            str(view.kind),
            lane + (f" (rule {view.rule})" if view.rule else ""),
            view.declared_by or "",
            when,
            view.owner,
        )
    return table


def lookup_renderable(found: Lookup) -> RenderableType:
    parts: list[RenderableType] = []
    if found.integration is not None:
        i = found.integration
        parts.append(
            Text(
                f"{i.name} ({i.layer}): owner {i.owner}"
                + (f", backup {i.backup_owner}" if i.backup_owner else "")
                + f"; sso {i.sso}, scim {i.scim}"
                + ("" if i.owner_active else "; owner is inactive in Slack")
            )
        )
    if found.owned:
        parts.append(Text(f"{found.query} owns or backs up:"))
        parts.append(integrations_table_from_views(found))
    if found.identities:
        parts.append(_identities_table(found.identities))
    return Group(*parts)


def integrations_table_from_views(found: Lookup) -> Table:
    table = Table("name", "layer", "role", "sso", "scim")
    for view in found.owned:
        role = "owner" if view.owner == found.query else "backup"
        table.add_row(view.name, str(view.layer), role, str(view.sso), str(view.scim))
    return table
