"""An owner's declaration queue: what they must still declare, a page at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from bot.authorization import Actor, require_steward
from bot.errors import NotFound
from bot.identity_details import IdentityDetails, details_for
from bot.integrations import get_integration
from bot.lookup_views import IdentityView
from storage import integrations as integration_repo
from storage.identities import identity_view_query
from storage.models import Declaration, Identity, Integration
from storage.vocabulary import IdentityStatus

PAGE_SIZE = 10


@dataclass(frozen=True)
class QueuePage:
    """One page of an integration's queue: identities with no lane yet, or a stale one."""

    integration: str
    items: list[IdentityView]
    remaining: int  # everything still in the queue, this page included
    next_after: int | None  # the cursor of the next page, None on the last one
    stale_before: datetime  # a lane declared before this is due for review again
    # What is known of the page's keys, service accounts and bots, by identity id.
    details: dict[int, IdentityDetails] = field(default_factory=dict)

    def pending(self, item: IdentityView) -> bool:
        return item.declared_at is None or item.declared_at < self.stale_before


@dataclass(frozen=True)
class QueueSummary:
    integration: str
    pending: int


def _in_queue(stale_before: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        col(Identity.status) == IdentityStatus.ACTIVE,
        sa.or_(
            col(Identity.current_declaration_id).is_(None),
            col(Declaration.declared_at) < stale_before,
        ),
    )


def _pending_count(session: Session, integration_id: int, stale_before: datetime) -> int:
    query = (
        sa.select(sa.func.count())
        .select_from(Identity)
        .outerjoin(Declaration, col(Declaration.id) == col(Identity.current_declaration_id))
        .where(col(Identity.integration_id) == integration_id, _in_queue(stale_before))
    )
    return int(session.execute(query).scalar_one())


def queue_page(
    session: Session,
    *,
    actor: Actor,
    integration_name: str,
    review_days: int,
    now: datetime,
    after_id: int = 0,
    page_size: int = PAGE_SIZE,
) -> QueuePage:
    """The next `page_size` identities to declare, after the identity id `after_id`.

    Only a steward may page through a queue: the prompt shows emails and roles.
    """
    integration = get_integration(session, integration_name)
    require_steward(actor, integration)
    stale_before = now - timedelta(days=review_days)
    rows = session.execute(
        identity_view_query()
        .where(
            col(Identity.integration_id) == integration.id,
            col(Identity.id) > after_id,
            _in_queue(stale_before),
        )
        .order_by(col(Identity.id))
        .limit(page_size + 1)
    ).all()
    items = [IdentityView.of(row) for row in rows[:page_size]]
    more = len(rows) > page_size
    return QueuePage(
        integration=integration.name,
        items=items,
        remaining=_pending_count(session, integration.id or 0, stale_before),
        next_after=items[-1].id if more and items else None,
        stale_before=stale_before,
        details=details_for(session, [item.id for item in items], now=now),
    )


def refreshed_page(
    session: Session,
    *,
    integration_name: str,
    identity_ids: Sequence[int],
    review_days: int,
    now: datetime,
) -> QueuePage:
    """The same page as it is now, answers included, so a prompt can be updated in place."""
    integration = get_integration(session, integration_name)
    stale_before = now - timedelta(days=review_days)
    rows = session.execute(
        identity_view_query().where(
            col(Identity.integration_id) == integration.id, col(Identity.id).in_(identity_ids)
        )
    ).all()
    by_id = {row.id: IdentityView.of(row) for row in rows}
    items = [by_id[i] for i in identity_ids if i in by_id]
    last = max(identity_ids, default=0)
    later = session.execute(
        sa.select(col(Identity.id))
        .outerjoin(Declaration, col(Declaration.id) == col(Identity.current_declaration_id))
        .where(
            col(Identity.integration_id) == integration.id,
            col(Identity.id) > last,
            _in_queue(stale_before),
        )
        .limit(1)
    ).first()
    return QueuePage(
        integration=integration.name,
        items=items,
        remaining=_pending_count(session, integration.id or 0, stale_before),
        next_after=last if later is not None else None,
        stale_before=stale_before,
        details=details_for(session, [item.id for item in items], now=now),
    )


def summaries_for(
    session: Session, *, user_id: str, review_days: int, now: datetime
) -> list[QueueSummary]:
    """For each integration the user owns or backs up, how many identities wait for them."""
    stale_before = now - timedelta(days=review_days)
    return [
        QueueSummary(integration.name, _pending_count(session, integration.id or 0, stale_before))
        for integration in integration_repo.owned_by(session, user_id=user_id)
    ]


def stewarded(session: Session, *, user_id: str) -> Sequence[Integration]:
    return integration_repo.owned_by(session, user_id=user_id)


def identity_label(session: Session, *, actor: Actor, identity_id: int) -> str:
    """How the prompt names one identity (for the note modal's title line). Only a steward of
    its integration may read it: the label shows the identity's name or email."""
    found = session.execute(identity_view_query().where(col(Identity.id) == identity_id)).first()
    if found is None:
        raise NotFound("That identity no longer exists.")
    view = IdentityView.of(found)
    require_steward(actor, get_integration(session, view.integration))
    return f"{view.display_name or view.external_id} in {view.integration}"
