"""Pulling one source into the inventory: pages of identities upserted, the source's parts
(WorkOS organisations, Okta apps) as child integrations of their own, facts and lane rules
applied."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from bot import coverage as claims
from bot.connectors.base import Organisation, SourceIdentity
from bot.rules import apply_rules
from bot.sync.runs import Counts
from storage import identities as identity_repo
from storage import integrations as integration_repo
from storage.models import Integration
from storage.vocabulary import Source

Progress = Callable[[int], None]


def pull(
    session: Session,
    integration_id: int,
    connector: Any,
    moment: datetime,
    progress: Progress | None,
) -> tuple[Counts, list[str]]:
    integration = session.get(Integration, integration_id)
    assert integration is not None
    source = Source(connector.source)
    counts = Counts()
    for page in connector.identity_pages():
        _upsert_page(session, integration_id, source, page, moment, counts)
        if progress is not None:
            progress(len(page))
    counts.deactivated += identity_repo.deactivate_unseen(
        session, integration_id=integration_id, source=source, before=moment
    )
    created: list[str] = []
    seen_children: set[int] = set()
    for organisation in connector.organisations():
        child, is_new = _child(session, integration, organisation, now=moment)
        seen_children.add(child.id or 0)
        if is_new:
            created.append(child.name)
        for page in organisation.identities():
            _upsert_page(session, child.id or 0, source, page, moment, counts)
            if progress is not None:
                progress(len(page))
        counts.deactivated += identity_repo.deactivate_unseen(
            session, integration_id=child.id or 0, source=source, before=moment
        )
        claims.apply_source_facts(session, child, organisation.coverage, source, moment)
        counts.declared += apply_rules(session, integration=child, now=moment)
    for child in _children(session, integration_id):
        if (child.id or 0) not in seen_children:  # gone at the source (or filtered out)
            counts.deactivated += identity_repo.deactivate_unseen(
                session, integration_id=child.id or 0, source=source, before=moment
            )
    claims.apply_source_facts(session, integration, connector.coverage(), source, moment)
    counts.declared += apply_rules(session, integration=integration, now=moment)
    return counts, created


def _upsert_page(
    session: Session,
    integration_id: int,
    source: Source,
    page: list[SourceIdentity],
    moment: datetime,
    counts: Counts,
) -> None:
    """Insert new identities, update changed ones, and mark every one of them seen."""
    unique = {identity.external_id: identity for identity in page}
    existing = identity_repo.existing_among(
        session, integration_id=integration_id, external_ids=list(unique)
    )
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    unchanged: list[int] = []
    for external_id, identity in unique.items():
        values: dict[str, Any] = {
            "display_name": identity.display_name,
            "email": identity.email,
            "kind": identity.kind,
            "role": identity.role,
            "status": identity.status,
            "last_used_at": identity.last_used_at,
            "owned_by": identity.owned_by,
            "source_created_at": identity.created_at,
            "expires_at": identity.expires_at,
            "scopes": identity.scopes,
            "container": identity.container,
            "source": source,
        }
        current = existing.get(external_id)
        if current is None:
            inserts.append(
                {
                    **values,
                    "integration_id": integration_id,
                    "external_id": external_id,
                    "first_seen_at": moment,
                    "last_seen_at": moment,
                }
            )
            continue
        changed = {k: v for k, v in values.items() if getattr(current, k) != v}
        if changed:
            updates.append({"id": current.id, **changed, "last_seen_at": moment})
        else:
            unchanged.append(current.id)
    identity_repo.insert_many(session, rows=inserts)
    identity_repo.update_many(session, rows=updates)
    identity_repo.mark_seen(session, identity_ids=unchanged, now=moment)
    counts.seen += len(unique)
    counts.created += len(inserts)
    counts.updated += len(updates)


def _children(session: Session, parent_id: int) -> list[Integration]:
    return list(session.exec(select(Integration).where(col(Integration.parent_id) == parent_id)))


def _child(
    session: Session, parent: Integration, organisation: Organisation, *, now: datetime
) -> tuple[Integration, bool]:
    """The integration of one part of the source (a customer organisation, an app), created
    on first sight, before it has any identity: its coverage gaps are open from the start."""
    external_ref, name = organisation.external_ref, organisation.name
    found = session.exec(
        select(Integration).where(
            col(Integration.parent_id) == parent.id,
            col(Integration.external_ref) == external_ref,
        )
    ).first()
    if found is not None:
        return found, False
    slug = _slug(f"{parent.name}-{name}")
    if integration_repo.get_by_name(session, name=slug) is not None:
        slug = _slug(f"{slug[:40]}-{external_ref[-12:]}")
    child = Integration(
        name=slug,
        layer=organisation.layer,
        owner=parent.owner,
        backup_owner=parent.backup_owner,
        channel=parent.channel,
        external_ref=external_ref[:255],
        parent_id=parent.id,
        created_by=f"sync:{parent.connector_kind}",
        created_at=now,
        updated_at=now,
    )
    integration_repo.add(session, integration=child)
    integration_repo.record_event(
        session,
        actor=f"sync:{parent.connector_kind}",
        action="integration.registered",
        integration_id=child.id,
        detail={
            "layer": organisation.layer.value,
            "owner": parent.owner,
            "organisation": name[:255],
        },
        at=now,
    )
    return child, True


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:64].strip("-")
    return slug or "organisation"
