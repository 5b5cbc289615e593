"""Plain records (stable keys, whole values) of integrations, identities, gaps and digests, for
`--format json` and `--format tsv`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlmodel import Session

from bot.gaps import Gap
from bot.lookup_views import IdentityView, IntegrationSummary, IntegrationView, Lookup, LookupKind
from bot.nudges.cycle import CycleReport
from bot.nudges.digest import Digest, DigestItem, describe_counts
from storage import identities as identity_repo
from storage.models import Integration

INTEGRATION_COLUMNS = (
    "name",
    "layer",
    "owner",
    "owner_active",
    "backup_owner",
    "channel",
    "sso",
    "scim",
)
OWNED_COLUMNS = ("name", "role", *INTEGRATION_COLUMNS[1:])
IDENTITY_COLUMNS = (
    "integration",
    "external_id",
    "email",
    "display_name",
    "kind",
    "role",
    "status",
    "lane",
    "rule",
    "declared_by",
    "declared_at",
    "note",
    "owner",
    # What the source says of a key or account (empty when it does not say).
    "owned_by",
    "source_created_at",
    "last_used_at",
    "expires_at",
    "scopes",
    "container",
)
# `who`'s identity rows also say why each is there: exact, prefix, domain, owned (a key the
# person looked up owns), or integration (a name that starts with the query).
LOOKUP_IDENTITY_COLUMNS = ("match", *IDENTITY_COLUMNS)
LANE_COLUMNS = ("workforce", "customer", "remove", "undeclared")
SUMMARY_COLUMNS = (*INTEGRATION_COLUMNS, *LANE_COLUMNS, "open_gaps")
# `identity` is what people recognise (email, else display name, else external id).
GAP_COLUMNS = ("kind", "integration", "identity", "external_id", "owner", "backup_owner", "detail")
DIGEST_COLUMNS = (
    "owner",
    "cycle",
    "open",
    "by_kind",
    "most_urgent_kind",
    "most_urgent_integration",
    "most_urgent_identity",
    "escalate",
)

# (integration name, external id) -> a row with `email` and `display_name`.
Names = Mapping[tuple[str, str], Any]


def integration_record(item: Integration | IntegrationView) -> dict[str, Any]:
    return {
        "name": item.name,
        "layer": str(item.layer),
        "owner": item.owner,
        "owner_active": bool(item.owner_active),
        "backup_owner": item.backup_owner,
        "channel": item.channel,
        "sso": str(item.sso),
        "scim": str(item.scim),
    }


def identity_record(view: IdentityView) -> dict[str, Any]:
    return {
        "integration": view.integration,
        "external_id": view.external_id,
        "email": view.email,
        "display_name": view.display_name,
        "kind": str(view.kind),
        "role": view.role,
        "status": str(view.status),
        "lane": str(view.answer) if view.answer else None,
        "rule": view.rule,
        "declared_by": view.declared_by,
        "declared_at": view.declared_at,
        "note": view.note,
        "owner": view.owner,
        "owned_by": view.owned_by,
        "source_created_at": view.source_created_at,
        "last_used_at": view.last_used_at,
        "expires_at": view.expires_at,
        "scopes": view.scopes,
        "container": view.container,
    }


def summary_record(summary: IntegrationSummary | None) -> dict[str, Any]:
    """An integration's active identities by lane and open gaps (None: not counted)."""
    lanes = summary.lanes if summary is not None else {}
    return {lane: lanes.get(lane) for lane in LANE_COLUMNS} | {
        "open_gaps": summary.open_gaps if summary is not None else None
    }


def lookup_columns(found: Lookup) -> tuple[str, ...]:
    """The tsv columns of a lookup: one kind of row per kind of answer."""
    if found.kind is LookupKind.USER:
        return OWNED_COLUMNS
    if found.integration is not None and found.summary is not None:
        return SUMMARY_COLUMNS
    return LOOKUP_IDENTITY_COLUMNS


def lookup_rows(found: Lookup) -> list[dict[str, Any]]:
    """The tsv rows: for a @user the integrations they own or back up (their keys are in the
    json); for an integration its one row with its counts; else one row per identity."""
    if found.kind is LookupKind.USER:
        return [
            {"role": "owner" if view.owner == found.query else "backup"} | integration_record(view)
            for view in found.owned
        ]
    if found.integration is not None and found.summary is not None:
        return [integration_record(found.integration) | summary_record(found.summary)]
    match = {LookupKind.PREFIX: "prefix", LookupKind.DOMAIN: "domain"}.get(found.kind, "exact")
    empty = dict.fromkeys(IDENTITY_COLUMNS)
    return [
        *(
            {"match": "integration"} | empty | {"integration": view.name, "owner": view.owner}
            for view in found.integrations
        ),
        *({"match": match} | identity_record(view) for view in found.identities),
        *({"match": "owned"} | identity_record(view) for view in found.owned_identities),
    ]


def lookup_document(found: Lookup) -> dict[str, Any]:
    """The whole lookup as one object; every key is always present."""
    owned = lookup_rows(found) if found.kind is LookupKind.USER else []
    return {
        "query": found.query,
        "kind": str(found.kind),
        "integration": integration_record(found.integration) if found.integration else None,
        "summary": summary_record(found.summary) if found.summary is not None else None,
        "owned": owned,
        "identities": [identity_record(view) for view in found.identities],
        "owned_identities": [identity_record(view) for view in found.owned_identities],
        "integrations": [integration_record(view) for view in found.integrations],
        "suggestions": [{"text": s.text, "what": s.what} for s in found.suggestions],
        "more": found.more,
    }


def identity_names(session: Session, keys: Iterable[tuple[str, str | None]]) -> Names:
    """Emails and display names of the identities these (integration, external id) name."""
    wanted = {(integration, external) for integration, external in keys if external}
    return identity_repo.names_by_external_id(session, keys=wanted)


def identity_label(names: Names, integration: str, external_id: str | None) -> str | None:
    """What people recognise an identity by: its email, else display name, else external id."""
    if not external_id:
        return None
    row = names.get((integration, external_id))
    if row is None:
        return external_id
    return str(row.email or row.display_name or external_id)


def gap_record(gap: Gap, names: Names) -> dict[str, Any]:
    return {
        "kind": str(gap.kind),
        "integration": gap.integration,
        "identity": identity_label(names, gap.integration, gap.identity),
        "external_id": gap.identity,
        "owner": gap.owner,
        "backup_owner": gap.backup_owner,
        "detail": gap.detail,
    }


def digest_names(session: Session, report: CycleReport) -> Names:
    return identity_names(
        session,
        ((item.integration, item.identity) for digest in report.digests for item in digest.items),
    )


def item_record(item: DigestItem, names: Names) -> dict[str, Any]:
    return {
        "kind": str(item.kind),
        "integration": item.integration,
        "identity": identity_label(names, item.integration, item.identity),
        "external_id": item.identity,
        "detail": item.detail,
    }


def digest_record(digest: Digest, names: Names) -> dict[str, Any]:
    """One planned digest as a tsv row: its counts and its most urgent item."""
    first = item_record(digest.items[0], names) if digest.items else {}
    return {
        "owner": digest.owner,
        "cycle": digest.cycle,
        "open": digest.total,
        "by_kind": describe_counts(digest.counts),
        "most_urgent_kind": first.get("kind"),
        "most_urgent_integration": first.get("integration"),
        "most_urgent_identity": first.get("identity"),
        "escalate": digest.escalate,
    }


def digest_document(digest: Digest, names: Names) -> dict[str, Any]:
    """One planned digest as a json object, every item it names included."""
    return {
        "owner": digest.owner,
        "cycle": digest.cycle,
        "open": digest.total,
        "by_kind": {str(kind): n for kind, n in digest.counts.items()},
        "items": [item_record(item, names) for item in digest.items],
        "escalate": digest.escalate,
    }
