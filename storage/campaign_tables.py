"""The review campaign's tables: a campaign, its frozen population, and the decisions,
delegations and sign-offs made within it (each of those three indexes one chain entry)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.columns import when as _when
from storage.types import enum_type
from storage.vocabulary import Answer, CloseRule, Decision, IdentityKind


class Campaign(SQLModel, table=True):
    """A review with a name, a scope, a due date and a population frozen at launch. The launch,
    close and every decision are chain entries; `closed_*` are pointers audit verify checks."""

    __tablename__ = "campaign"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    due_on: date = Field(sa_type=sa.Date)
    started_by: str = Field(max_length=64)
    started_at: datetime = _when()
    # Filled in once the population is frozen, in the launch's own transaction: the items
    # point at the campaign row, and its chain entry names their root.
    started_seq: int | None = Field(default=None, unique=True)
    population_root: str = Field(max_length=64)
    population_count: int
    stale_reason: str | None = Field(default=None, max_length=1000)
    closed_at: datetime | None = _when(nullable=True)
    closed_by: str | None = Field(default=None, max_length=64)
    closed_seq: int | None = Field(default=None, unique=True)
    close_rule: CloseRule | None = Field(
        default=None, sa_type=enum_type(CloseRule, "close_rule"), nullable=True
    )


class CampaignItem(SQLModel, table=True):
    """One identity of a campaign's population as it stood at launch. Append-only; the rows of
    one campaign hash to its population root (bot/campaigns/population.py)."""

    __tablename__ = "campaign_item"
    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "position"),
        sa.UniqueConstraint("campaign_id", "identity_id"),
        sa.Index("ix_campaign_item_campaign_id_integration_id", "campaign_id", "integration_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id")
    position: int
    identity_id: int = Field(foreign_key="identity.id", index=True)
    integration_id: int = Field(foreign_key="integration.id")
    integration: str = Field(max_length=64)
    external_id: str = Field(max_length=255)
    display_name: str = Field(default="", max_length=255)
    email: str | None = Field(default=None, max_length=320)
    kind: IdentityKind = Field(sa_type=enum_type(IdentityKind, "kind"))
    owned_by: str | None = Field(default=None, max_length=320)
    owner: str = Field(max_length=32)
    lane: Answer | None = Field(default=None, sa_type=enum_type(Answer, "lane"), nullable=True)


class CampaignDecision(SQLModel, table=True):
    """A reviewer's decision on one item; the newest per item counts until sign-off locks it.
    Append-only, and each row is the index of its chain entry (`seq`, a `campaign.decided`)."""

    __tablename__ = "campaign_decision"
    __table_args__ = (
        sa.Index("ix_campaign_decision_campaign_id_item_id", "campaign_id", "item_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True)
    campaign_id: int = Field(foreign_key="campaign.id")
    item_id: int = Field(foreign_key="campaign_item.id")
    integration_id: int = Field(foreign_key="integration.id")
    decision: Decision = Field(sa_type=enum_type(Decision, "decision"))
    previous: Answer | None = Field(
        default=None, sa_type=enum_type(Answer, "previous"), nullable=True
    )
    lane: Answer = Field(sa_type=enum_type(Answer, "lane"))
    reason: str | None = Field(default=None, max_length=1000)
    decided_by: str = Field(max_length=64)
    decided_at: datetime = _when()


class CampaignDelegation(SQLModel, table=True):
    """An owner handing one item (`item_id`) or a whole integration (no item) to a reviewer."""

    __tablename__ = "campaign_delegation"

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    integration_id: int = Field(foreign_key="integration.id")
    item_id: int | None = Field(default=None, foreign_key="campaign_item.id")
    delegate: str = Field(max_length=32)
    delegated_by: str = Field(max_length=64)
    delegated_at: datetime = _when()


class CampaignSignoff(SQLModel, table=True):
    """An owner's sign-off of one integration in a campaign: its decisions are locked."""

    __tablename__ = "campaign_signoff"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "integration_id"),)

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True)
    campaign_id: int = Field(foreign_key="campaign.id")
    integration_id: int = Field(foreign_key="integration.id")
    decided: int
    signed_by: str = Field(max_length=64)
    signed_at: datetime = _when()
