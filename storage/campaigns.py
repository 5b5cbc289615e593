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


def freeze(session: Session, *, campaign_id: int, integration_ids: Sequence[int]) -> None:
    """Copy every active identity of these integrations, with its integration's name and
    owner and its current lane, into the campaign's items: one INSERT ... SELECT, numbered by
    a window function in (integration id, identity id) order, the same on every backend."""
    item: sa.Table = CampaignItem.__table__  # type: ignore[attr-defined]
    position = sa.func.row_number().over(order_by=(col(Identity.integration_id), col(Identity.id)))
    query = (
        sa.select(
            sa.literal(campaign_id),
            position,
            col(Identity.id),
            col(Identity.integration_id),
            col(Integration.name),
            col(Identity.external_id),
            col(Identity.display_name),
            col(Identity.email),
            col(Identity.kind),
            col(Identity.owned_by),
            col(Integration.owner),
            col(Declaration.answer),
        )
        .join(Integration, col(Integration.id) == col(Identity.integration_id))
        .outerjoin(Declaration, col(Declaration.id) == col(Identity.current_declaration_id))
        .where(
            col(Identity.integration_id).in_(list(integration_ids)),
            col(Identity.status) == IdentityStatus.ACTIVE,
        )
    )
    columns = [
        "campaign_id", "position", "identity_id", "integration_id", "integration", "external_id",
        "display_name", "email", "kind", "owned_by", "owner", "lane",
    ]  # fmt: skip
    session.execute(item.insert().from_select([item.c[name] for name in columns], query))


def frozen_items(session: Session, *, campaign_id: int) -> Iterator[dict[str, Any]]:
    """A campaign's items as plain values, in position order, streamed: what the population
    root is computed over (at launch, and again by audit verify)."""
    item = sa.inspect(CampaignItem).local_table
    query = (
        sa.select(item)
        .where(item.c.campaign_id == campaign_id)
        .order_by(item.c.position)
        .execution_options(yield_per=PAGE)
    )
    for row in session.execute(query).mappings():
        values = dict(row)
        values["kind"] = str(values["kind"])
        values["lane"] = None if values["lane"] is None else str(values["lane"])
        yield values


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
        session.execute(sa.inspect(table).local_table.insert(), list(rows))


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
