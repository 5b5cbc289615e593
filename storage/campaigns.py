"""Repository functions for review campaigns: the campaign, its frozen population, and the
records of decisions, delegations and sign-offs, each of which indexes its chain entry."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from storage.models import (
    Campaign,
    CampaignDecision,
    CampaignDelegation,
    CampaignItem,
    CampaignSignoff,
    Declaration,
    Identity,
    Integration,
    SlackUser,
)
from storage.vocabulary import IdentityStatus

PAGE = 5000


def get_by_name(session: Session, *, name: str) -> Campaign | None:
    return session.exec(select(Campaign).where(Campaign.name == name)).first()


def list_all(session: Session) -> Sequence[Campaign]:
    return session.exec(select(Campaign).order_by(col(Campaign.started_at).desc())).all()


def open_campaigns(session: Session) -> Sequence[Campaign]:
    return session.exec(
        select(Campaign).where(col(Campaign.closed_at).is_(None)).order_by(col(Campaign.due_on))
    ).all()


def add(session: Session, *, campaign: Campaign) -> Campaign:
    session.add(campaign)
    session.flush()
    return campaign


def active_identities(session: Session, *, integration: Integration) -> Iterator[dict[str, Any]]:
    """Every active identity of one integration with its current lane, in id order (the same
    order on every backend, whatever its collation), read in pages: what a launch freezes."""
    last: int | None = None
    while True:
        query = (
            sa.select(
                col(Identity.id),
                col(Identity.external_id),
                col(Identity.display_name),
                col(Identity.email),
                col(Identity.kind),
                col(Identity.owned_by),
                col(Declaration.answer),
            )
            .outerjoin(Declaration, col(Declaration.id) == col(Identity.current_declaration_id))
            .where(
                col(Identity.integration_id) == integration.id,
                col(Identity.status) == IdentityStatus.ACTIVE,
            )
            .order_by(col(Identity.id))
            .limit(PAGE)
        )
        if last is not None:
            query = query.where(col(Identity.id) > last)
        rows = session.execute(query).all()
        for row in rows:
            yield {
                "identity_id": row[0],
                "external_id": row[1],
                "display_name": row[2],
                "email": row[3],
                "kind": str(row[4]),
                "owned_by": row[5],
                "lane": None if row[6] is None else str(row[6]),
            }
        if len(rows) < PAGE:
            return
        last = rows[-1][0]


def insert_items(session: Session, *, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(sa.insert(CampaignItem), list(rows))


def item_at(session: Session, *, campaign_id: int, position: int) -> CampaignItem | None:
    return session.exec(
        select(CampaignItem).where(
            CampaignItem.campaign_id == campaign_id, CampaignItem.position == position
        )
    ).first()


def item_of_identity(
    session: Session, *, campaign_id: int, identity_id: int
) -> CampaignItem | None:
    return session.exec(
        select(CampaignItem).where(
            CampaignItem.campaign_id == campaign_id, CampaignItem.identity_id == identity_id
        )
    ).first()


def items(
    session: Session, *, campaign_id: int, integration_id: int | None = None
) -> Iterator[CampaignItem]:
    """A campaign's population (or one integration's part of it) in position order, streamed."""
    query = select(CampaignItem).where(CampaignItem.campaign_id == campaign_id)
    if integration_id is not None:
        query = query.where(CampaignItem.integration_id == integration_id)
    yield from session.exec(
        query.order_by(col(CampaignItem.position)).execution_options(yield_per=PAGE)
    )


def latest_decisions(
    session: Session, *, campaign_id: int, item_ids: Sequence[int]
) -> dict[int, CampaignDecision]:
    """The decision that counts for each of these items: its newest."""
    found: dict[int, CampaignDecision] = {}
    for start in range(0, len(item_ids), 1000):
        chunk = item_ids[start : start + 1000]
        for decision in session.exec(
            select(CampaignDecision)
            .where(
                CampaignDecision.campaign_id == campaign_id,
                col(CampaignDecision.item_id).in_(chunk),
            )
            .order_by(col(CampaignDecision.seq))
        ):
            found[decision.item_id] = decision
    return found


def undecided(session: Session, *, campaign_id: int, integration_id: int) -> Sequence[CampaignItem]:
    """One integration's items with no decision yet, in position order."""
    decided = sa.exists().where(
        col(CampaignDecision.campaign_id) == campaign_id,
        col(CampaignDecision.item_id) == col(CampaignItem.id),
    )
    return session.exec(
        select(CampaignItem)
        .where(
            CampaignItem.campaign_id == campaign_id,
            CampaignItem.integration_id == integration_id,
            ~decided,
        )
        .order_by(col(CampaignItem.position))
    ).all()


def totals(session: Session, *, campaign_id: int) -> dict[int, tuple[str, int]]:
    """Each integration's name (as frozen) and item count in the campaign."""
    rows = session.execute(
        sa.select(col(CampaignItem.integration_id), col(CampaignItem.integration), func.count())
        .where(col(CampaignItem.campaign_id) == campaign_id)
        .group_by(col(CampaignItem.integration_id), col(CampaignItem.integration))
    )
    return {row[0]: (row[1], row[2]) for row in rows}


def decided_counts(session: Session, *, campaign_id: int) -> dict[int, int]:
    """How many distinct items of each integration have a decision."""
    rows = session.execute(
        sa.select(
            col(CampaignDecision.integration_id),
            func.count(sa.distinct(col(CampaignDecision.item_id))),
        )
        .where(col(CampaignDecision.campaign_id) == campaign_id)
        .group_by(col(CampaignDecision.integration_id))
    )
    return {row[0]: row[1] for row in rows}


def signoffs(session: Session, *, campaign_id: int) -> dict[int, CampaignSignoff]:
    rows = session.exec(select(CampaignSignoff).where(CampaignSignoff.campaign_id == campaign_id))
    return {row.integration_id: row for row in rows}


def delegations(session: Session, *, campaign_id: int) -> Sequence[CampaignDelegation]:
    """Every delegation of the campaign, oldest first (a later one replaces an earlier one)."""
    return session.exec(
        select(CampaignDelegation)
        .where(CampaignDelegation.campaign_id == campaign_id)
        .order_by(col(CampaignDelegation.seq))
    ).all()


def add_record(
    session: Session, *, record: CampaignDecision | CampaignDelegation | CampaignSignoff
) -> None:
    session.add(record)
    session.flush()


def add_records(session: Session, *, table: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(sa.insert(table), list(rows))


def current_lanes(session: Session, *, identity_ids: Sequence[int]) -> dict[int, str | None]:
    """Each identity's lane now (None: undeclared), by its newest declaration."""
    found: dict[int, str | None] = {}
    for start in range(0, len(identity_ids), 1000):
        chunk = identity_ids[start : start + 1000]
        rows = session.execute(
            sa.select(col(Identity.id), col(Declaration.answer))
            .outerjoin(Declaration, col(Declaration.id) == col(Identity.current_declaration_id))
            .where(col(Identity.id).in_(chunk))
        )
        found.update({row[0]: None if row[1] is None else str(row[1]) for row in rows})
    return found


def slack_email(session: Session, *, user_id: str) -> str | None:
    """The email Slack gave for a user (only with the users:read.email scope)."""
    user = session.get(SlackUser, user_id)
    return user.email.lower() if user is not None and user.email else None
