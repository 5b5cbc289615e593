"""Repository functions for identities: lookups with their current declaration, bulk upsert."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import Declaration, Identity, Integration, LaneRule
from storage.vocabulary import IdentityStatus

# One row of an identity with its integration and current declaration, for lookups and reports.
IDENTITY_VIEW_COLUMNS: tuple[Any, ...] = (
    col(Identity.id),
    col(Identity.external_id),
    col(Identity.display_name),
    col(Identity.email),
    col(Identity.kind),
    col(Identity.role),
    col(Identity.status),
    col(Identity.source),
    col(Identity.owned_by),
    col(Identity.last_used_at),
    col(Identity.source_created_at),
    col(Identity.expires_at),
    col(Identity.scopes),
    col(Identity.container),
    col(Identity.first_seen_at),
    col(Identity.last_seen_at),
    col(Integration.name).label("integration"),
    col(Integration.layer),
    col(Integration.owner),
    col(Integration.backup_owner),
    col(Declaration.answer),
    col(Declaration.declared_by),
    col(Declaration.declared_at),
    col(Declaration.note),
    col(Declaration.rule_id),
    col(LaneRule.match).label("rule_match"),
    col(LaneRule.value).label("rule_value"),
)


def identity_view_query() -> sa.Select[Any]:
    return (
        sa.select(*IDENTITY_VIEW_COLUMNS)
        .join(Integration, col(Integration.id) == col(Identity.integration_id))
        .outerjoin(Declaration, col(Declaration.id) == col(Identity.current_declaration_id))
        .outerjoin(LaneRule, col(LaneRule.id) == col(Declaration.rule_id))
    )


def get(session: Session, *, identity_id: int) -> Identity | None:
    return session.get(Identity, identity_id)


def get_by_external_id(
    session: Session, *, integration_id: int, external_id: str
) -> Identity | None:
    return session.exec(
        select(Identity).where(
            col(Identity.integration_id) == integration_id, col(Identity.external_id) == external_id
        )
    ).first()


def with_email(session: Session, *, integration_id: int, email: str) -> Sequence[Identity]:
    """The identities of one integration with this (normalised) email, by external id."""
    return session.exec(
        select(Identity)
        .where(col(Identity.integration_id) == integration_id, col(Identity.email) == email)
        .order_by(col(Identity.external_id))
    ).all()


def names_by_external_id(
    session: Session, *, keys: Collection[tuple[str, str]]
) -> dict[tuple[str, str], Any]:
    """Email and display name of identities keyed by (integration name, external id): what
    people recognise an identity by, where a source's own id is opaque."""
    wanted = list(dict.fromkeys(keys))
    found: dict[tuple[str, str], Any] = {}
    for start in range(0, len(wanted), 400):
        rows = session.execute(
            sa.select(
                col(Integration.name).label("integration"),
                col(Identity.external_id),
                col(Identity.email),
                col(Identity.display_name),
            )
            .join(Integration, col(Integration.id) == col(Identity.integration_id))
            .where(
                sa.tuple_(col(Integration.name), col(Identity.external_id)).in_(
                    wanted[start : start + 400]
                )
            )
        )
        found.update({(row.integration, row.external_id): row for row in rows})
    return found


def undeclared(
    session: Session, *, integration_id: int, limit: int | None = None
) -> Sequence[Identity]:
    """Active identities of an integration that have no lane yet, in a stable order."""
    query = (
        select(Identity)
        .where(
            col(Identity.integration_id) == integration_id,
            col(Identity.status) == IdentityStatus.ACTIVE,
            col(Identity.current_declaration_id).is_(None),
        )
        .order_by(col(Identity.id))
    )
    if limit is not None:
        query = query.limit(limit)
    return session.exec(query).all()


# What an upsert compares: light rows, not ORM objects.
_UPSERT_COLUMNS: tuple[Any, ...] = (
    col(Identity.id),
    col(Identity.external_id),
    col(Identity.display_name),
    col(Identity.email),
    col(Identity.kind),
    col(Identity.role),
    col(Identity.status),
    col(Identity.owned_by),
    col(Identity.last_used_at),
    col(Identity.source_created_at),
    col(Identity.expires_at),
    col(Identity.scopes),
    col(Identity.container),
)


def existing_by_external_id(session: Session, *, integration_id: int) -> dict[str, Any]:
    """Every identity of an integration, keyed by external id, as light rows for upserts."""
    rows = session.execute(
        sa.select(*_UPSERT_COLUMNS).where(col(Identity.integration_id) == integration_id)
    )
    return {row.external_id: row for row in rows}


def insert_many(session: Session, *, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(sa.insert(Identity), rows)


def update_many(session: Session, *, rows: list[dict[str, Any]]) -> None:
    """Bulk UPDATE by primary key; each dict carries `id` and the changed columns."""
    if rows:
        session.execute(sa.update(Identity), rows)


# Connector syncs work page by page: these keep memory bounded by the page, not the source.
_SYNC_COLUMNS: tuple[Any, ...] = (*_UPSERT_COLUMNS, col(Identity.source))


def existing_among(
    session: Session, *, integration_id: int, external_ids: Sequence[str]
) -> dict[str, Any]:
    """The identities of one page of a source, keyed by external id, as light rows."""
    if not external_ids:
        return {}
    rows = session.execute(
        sa.select(*_SYNC_COLUMNS).where(
            col(Identity.integration_id) == integration_id,
            col(Identity.external_id).in_(external_ids),
        )
    )
    return {row.external_id: row for row in rows}


def mark_seen(session: Session, *, identity_ids: Sequence[int], now: Any) -> None:
    if identity_ids:
        session.execute(
            sa.update(Identity)
            .where(col(Identity.id).in_(identity_ids))
            .values(last_seen_at=now)
            .execution_options(synchronize_session=False)
        )


def deactivate_unseen(session: Session, *, integration_id: int, source: str, before: Any) -> int:
    """Active identities from `source` that a sync starting at `before` did not see."""
    result = session.execute(
        sa.update(Identity)
        .where(
            col(Identity.integration_id) == integration_id,
            col(Identity.source) == source,
            col(Identity.status) == IdentityStatus.ACTIVE,
            col(Identity.last_seen_at) < before,
        )
        .values(status=IdentityStatus.INACTIVE)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
