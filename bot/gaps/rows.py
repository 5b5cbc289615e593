"""The rows the gap rules read: integrations in scope and their identities, as Core rows with
the stored strings as they are (the rules run once per identity in the inventory)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, or_

from bot.gaps.model import Owning
from storage.models import Declaration, Identity, Integration
from storage.types import UtcDateTime
from storage.vocabulary import Answer, IdentityStatus


def raw(column: Any) -> Any:
    """The stored string itself: skips the enum and datetime conversions, once per row."""
    return sa.type_coerce(column, sa.String).label(column.key)


def owning_query() -> sa.Select[Any]:
    """An integration as `Owning` wants it: Core rows, stored strings as they are, and whether
    it has child integrations.

    `id IN (the set of parent ids)`, not a correlated EXISTS: the set is read once, whereas
    SQLite's planner, told by ANALYZE that `parent_id` is NULL on almost every row, scans the
    whole table for each integration's EXISTS (7 s for 10k integrations)."""
    child = aliased(Integration, name="child")
    parents = sa.select(col(child.parent_id)).where(col(child.parent_id).is_not(None))
    has_children = col(Integration.id).in_(parents).label("has_children")
    return sa.select(
        col(Integration.id),
        col(Integration.name),
        col(Integration.owner),
        col(Integration.backup_owner),
        raw(col(Integration.layer)),
        raw(col(Integration.sso)),
        raw(col(Integration.scim)),
        col(Integration.owner_active),
        has_children,
    )


def scope(session: Session, integration: str | None, owner: str | None) -> dict[int, Owning]:
    query = owning_query()
    if integration is not None:
        query = query.where(col(Integration.name) == integration)
    if owner is not None:
        query = query.where(
            or_(col(Integration.owner) == owner, col(Integration.backup_owner) == owner)
        )
    # Through the session, not its connection: pending changes are flushed first.
    return {row[0]: Owning(*row[1:]) for row in session.execute(query)}


def scope_of_ids(session: Session, wanted: set[int]) -> tuple[dict[int, Owning], int]:
    """`_scope` for a set of integration ids, on Core rows with the stored strings as they are
    (no enum conversion): the nudge cycle asks for thousands of integrations. Also how many
    integrations there are in all."""
    rows = session.connection().execute(owning_query()).all()
    return {row[0]: Owning(*row[1:]) for row in rows if row[0] in wanted}, len(rows)


def scope_rows(
    session: Session, query: sa.Select[Any], integration_ids: Collection[int] | None
) -> dict[int, Owning]:
    """The integrations of `owning_query` with these ids (all of them for None): asked for by id
    when they are few, read whole and filtered otherwise."""
    if integration_ids is not None and len(integration_ids) <= NARROW_SCOPE:
        query = query.where(col(Integration.id).in_(sorted(integration_ids)))
    rows = session.execute(query)
    if integration_ids is None or len(integration_ids) <= NARROW_SCOPE:
        return {row[0]: Owning(*row[1:]) for row in rows}
    wanted = set(integration_ids)
    return {row[0]: Owning(*row[1:]) for row in rows if row[0] in wanted}


# Up to this many integrations in scope, only their own emails are checked for conflicts.
NARROW_SCOPE = 1000


def conflicts_query(integration_ids: Sequence[int] | None = None) -> sa.Select[Any]:
    """The emails declared `workforce` in one place and `customer` in another.

    With `integration_ids` (a narrow scope: one integration, one owner's), only the emails of
    their identities are grouped, through the email index, instead of every email there is.
    """
    lanes = (Answer.WORKFORCE.value, Answer.CUSTOMER.value)
    base = (
        sa.select(col(Identity.email))
        .join(Declaration, col(Declaration.id) == col(Identity.current_declaration_id))
        .where(
            col(Identity.email).is_not(None),
            col(Identity.status) == IdentityStatus.ACTIVE,
            col(Declaration.answer).in_(lanes),
        )
        .group_by(col(Identity.email))
        .having(sa.func.count(sa.distinct(col(Declaration.answer))) > 1)
    )
    if integration_ids is not None:
        own_emails = sa.select(col(Identity.email)).where(
            col(Identity.integration_id).in_(list(integration_ids)),
            col(Identity.email).is_not(None),
        )
        base = base.where(col(Identity.email).in_(own_emails))
    return base


def conflicting_emails(
    session: Session, integration_ids: Sequence[int] | None = None
) -> dict[str, dict[str, list[str]]]:
    """Emails declared `workforce` in one place and `customer` in another, and where
    (`conflicts_query`)."""
    lanes = (Answer.WORKFORCE.value, Answer.CUSTOMER.value)
    base = conflicts_query(integration_ids)
    emails = [row.email for row in session.execute(base)]
    where: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for start in range(0, len(emails), 500):
        rows = session.execute(
            sa.select(col(Identity.email), col(Declaration.answer), col(Integration.name))
            .join(Declaration, col(Declaration.id) == col(Identity.current_declaration_id))
            .join(Integration, col(Integration.id) == col(Identity.integration_id))
            .where(
                col(Identity.email).in_(emails[start : start + 500]),
                col(Identity.status) == IdentityStatus.ACTIVE,
                col(Declaration.answer).in_(lanes),
            )
        )
        for row in rows:
            where[row.email][str(row.answer)].append(row.name)
    return where


def identity_query(stale_before: datetime) -> sa.Select[Any]:
    """What the rules of `rules.py` read of an identity and its current declaration."""
    stale = sa.case(
        (col(Declaration.declared_at) < sa.bindparam("stale_before", stale_before, UtcDateTime), 1),
        else_=0,
    )
    return (
        sa.select(
            col(Identity.id),
            col(Identity.integration_id),
            col(Identity.external_id),
            col(Identity.email),
            raw(col(Identity.kind)),
            raw(col(Identity.status)),
            raw(col(Declaration.answer)),
            raw(col(Declaration.declared_at)),
            col(Declaration.note),
            stale.label("stale"),
        )
        .outerjoin(Declaration, col(Declaration.id) == col(Identity.current_declaration_id))
        .execution_options(yield_per=10_000)
    )


def identity_rows(
    session: Session, integration_ids: Sequence[int], stale_before: datetime
) -> Iterable[Any]:
    query = identity_query(stale_before)
    if len(integration_ids) <= 1000:
        query = query.where(col(Identity.integration_id).in_(integration_ids))
        # Core, not the ORM result layer: this runs once per identity in the inventory.
        yield from session.connection().execute(query)
        return
    integration_set = set(integration_ids)
    for row in session.connection().execute(query):
        if row[1] in integration_set:
            yield row


def rows_by_id(session: Session, ids: Sequence[int], stale_before: datetime) -> Iterable[Any]:
    """`identity_rows` of these identities only (by primary key, in chunks)."""
    query = identity_query(stale_before)
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        yield from session.connection().execute(query.where(col(Identity.id).in_(chunk)))


def rows_of(
    session: Session, integration_ids: list[int], stale_before: datetime, *, everything: int
) -> Iterable[Any]:
    """`identity_rows` for these integrations: in chunks the integration index serves when they
    are under half of all integrations (a scheduled tick: one time zone's owners), in one scan
    otherwise (a sweep), whichever reads less on SQLite at 100k identities."""
    if 2 * len(integration_ids) >= everything:
        yield from identity_rows(session, integration_ids, stale_before)
        return
    for start in range(0, len(integration_ids), 1000):
        yield from identity_rows(session, integration_ids[start : start + 1000], stale_before)
