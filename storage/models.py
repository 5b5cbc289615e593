"""The tables: integrations, identities, the append-only declaration chain, rules, nudges, syncs
and review campaigns."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.columns import when as _when
from storage.matching import email_domain, folded, slug_key
from storage.types import enum_type
from storage.vocabulary import (
    Answer,
    CoverageKind,
    IdentityKind,
    IdentityStatus,
    Layer,
    NudgeState,
    RuleMatch,
    ScimStatus,
    Source,
    SsoStatus,
    SyncState,
)

GENESIS_HASH = "0" * 64


class Integration(SQLModel, table=True):
    """A system whose identities are governed. One deployment serves one Slack workspace."""

    __tablename__ = "integration"
    # `who` prefix lookups on PostgreSQL (migration 0006); SQLite's uq_integration_name serves
    # them there (storage.matching.slug_key says why).
    __table_args__ = (
        sa.Index("ix_integration_name_prefix", slug_key(sa.column("name"))).ddl_if(
            dialect="postgresql"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    layer: Layer = Field(sa_type=enum_type(Layer, "layer"))
    owner: str = Field(max_length=32, index=True)
    backup_owner: str | None = Field(default=None, max_length=32, index=True)
    channel: str | None = Field(default=None, max_length=32)
    sso: SsoStatus = Field(default=SsoStatus.UNKNOWN, sa_type=enum_type(SsoStatus, "sso"))
    scim: ScimStatus = Field(default=ScimStatus.UNKNOWN, sa_type=enum_type(ScimStatus, "scim"))
    # Where the current sso/scim value came from: "manual", or a connector kind.
    sso_source: str | None = Field(default=None, max_length=32)
    scim_source: str | None = Field(default=None, max_length=32)
    owner_active: bool = Field(default=True)
    connector_kind: str | None = Field(default=None, max_length=32)
    # Non-secret connector settings; secrets are named by environment variable, never stored.
    connector_settings: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    # The source's own id for this integration (a WorkOS organisation id, for example).
    external_ref: str | None = Field(default=None, max_length=255, index=True)
    parent_id: int | None = Field(default=None, foreign_key="integration.id", index=True)
    created_by: str = Field(max_length=64)
    created_at: datetime = _when()
    updated_at: datetime = _when()


class Identity(SQLModel, table=True):
    """A principal inside one integration."""

    __tablename__ = "identity"
    __table_args__ = (
        sa.UniqueConstraint("integration_id", "external_id"),
        # `who` lookups (migration 0006): case-folded prefixes, and an email's domain.
        sa.Index("ix_identity_email_prefix", folded(sa.column("email"))),
        sa.Index("ix_identity_display_name_prefix", folded(sa.column("display_name"))),
        sa.Index("ix_identity_external_id_prefix", folded(sa.column("external_id"))),
        sa.Index("ix_identity_email_domain", email_domain(sa.column("email")), "email"),
        # Partial: people own nothing, and an index full of NULLs reads to SQLite's ANALYZE as
        # one value shared by every row, which it would rather scan the table than look up.
        sa.Index(
            "ix_identity_owned_by",
            "owned_by",
            sqlite_where=sa.text("owned_by IS NOT NULL"),
            postgresql_where=sa.text("owned_by IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    integration_id: int = Field(foreign_key="integration.id", index=True)
    external_id: str = Field(max_length=255, index=True)
    display_name: str = Field(default="", max_length=255)
    email: str | None = Field(default=None, max_length=320, index=True)
    kind: IdentityKind = Field(default=IdentityKind.HUMAN, sa_type=enum_type(IdentityKind, "kind"))
    role: str | None = Field(default=None, max_length=128)
    status: IdentityStatus = Field(
        default=IdentityStatus.ACTIVE, sa_type=enum_type(IdentityStatus, "status")
    )
    # Who owns a key or service account at the source (an email or a source user id).
    owned_by: str | None = Field(default=None, max_length=320)
    last_used_at: datetime | None = _when(nullable=True)
    # What the source reports of a key or service account (NULL: it does not say).
    source_created_at: datetime | None = _when(nullable=True)
    expires_at: datetime | None = _when(nullable=True)
    scopes: str | None = Field(default=None, max_length=255)
    # The project (OpenAI) or workspace (Anthropic) it belongs to, by name.
    container: str | None = Field(default=None, max_length=255)
    source: Source = Field(default=Source.MANUAL, sa_type=enum_type(Source, "source"))
    first_seen_at: datetime = _when()
    last_seen_at: datetime = _when()
    # The latest declaration; the declaration rows are the truth, this is their index.
    current_declaration_id: int | None = Field(
        default=None,
        sa_column_args=[sa.ForeignKey("declaration.id", use_alter=True)],
    )


class Declaration(SQLModel, table=True):
    """One owner's answer for one identity. Append-only and hash-chained."""

    __tablename__ = "declaration"

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True)
    identity_id: int = Field(foreign_key="identity.id", index=True)
    integration_id: int = Field(foreign_key="integration.id", index=True)
    answer: Answer = Field(sa_type=enum_type(Answer, "answer"))
    previous: Answer | None = Field(
        default=None, sa_type=enum_type(Answer, "previous"), nullable=True
    )
    declared_by: str = Field(max_length=64)
    declared_at: datetime = _when()
    note: str | None = Field(default=None, max_length=1000)
    rule_id: int | None = Field(default=None, foreign_key="lane_rule.id")
    prev_hash: str = Field(max_length=64, unique=True)
    hash: str = Field(max_length=64, unique=True)


class AuditChainHead(SQLModel, table=True):
    """The chain's tip (the last entry of declaration and audit_event, by seq): one row, locked
    by every append, so concurrent writers never fork."""

    __tablename__ = "audit_chain_head"

    id: int = Field(default=1, primary_key=True)
    seq: int = Field(default=0)
    hash: str = Field(default=GENESIS_HASH, max_length=64)


class LaneRule(SQLModel, table=True):
    """Declares every identity of an integration that matches, e.g. `domain:acme.com`."""

    __tablename__ = "lane_rule"
    __table_args__ = (sa.UniqueConstraint("integration_id", "match", "value"),)

    id: int | None = Field(default=None, primary_key=True)
    integration_id: int = Field(foreign_key="integration.id", index=True)
    match: RuleMatch = Field(sa_type=enum_type(RuleMatch, "match"))
    value: str = Field(max_length=255)
    answer: Answer = Field(sa_type=enum_type(Answer, "answer"))
    created_by: str = Field(max_length=64)
    created_at: datetime = _when()


class AuditEvent(SQLModel, table=True):
    """Every state change but a declaration (registrations, owner changes, claims, snoozes,
    escalations, rule changes, sync runs). Append-only, and entries of the same chain as
    declarations: one seq counter, one head (storage/chain.py)."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True)
    at: datetime = _when(index=True)
    actor: str = Field(max_length=64)
    action: str = Field(max_length=64)
    integration_id: int | None = Field(default=None, foreign_key="integration.id", index=True)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    prev_hash: str = Field(max_length=64, unique=True)
    hash: str = Field(max_length=64, unique=True)


class CoverageClaim(SQLModel, table=True):
    """Someone's claim that SSO or SCIM covers an integration; expires after the review interval."""

    __tablename__ = "coverage_claim"

    id: int | None = Field(default=None, primary_key=True)
    integration_id: int = Field(foreign_key="integration.id", index=True)
    kind: CoverageKind = Field(sa_type=enum_type(CoverageKind, "kind"))
    value: str = Field(max_length=32)
    evidence_url: str | None = Field(default=None, max_length=1000)
    claimed_by: str = Field(max_length=64)
    claimed_at: datetime = _when()
    expires_at: datetime = _when()


class SlackUser(SQLModel, table=True):
    """What Slack last told us about a user: time zone for nudges, active flag for orphans."""

    __tablename__ = "slack_user"

    user_id: str = Field(primary_key=True, max_length=32)
    tz: str | None = Field(default=None, max_length=64)
    real_name: str | None = Field(default=None, max_length=255)
    # Only with the `users:read.email` scope: lets a campaign match a reviewer to their own
    # identities by email (nobody reviews themselves).
    email: str | None = Field(default=None, max_length=320)
    is_active: bool = Field(default=True)
    checked_at: datetime = _when()


class Nudge(SQLModel, table=True):
    """The nudge ledger: one row per owner and cycle, claimed before sending."""

    __tablename__ = "nudge"
    __table_args__ = (sa.UniqueConstraint("owner", "cycle"),)

    id: int | None = Field(default=None, primary_key=True)
    owner: str = Field(max_length=32, index=True)
    # The owner's local date of the cycle, e.g. "2026-11-30".
    cycle: str = Field(max_length=32)
    state: NudgeState = Field(default=NudgeState.CLAIMED, sa_type=enum_type(NudgeState, "state"))
    claimed_by: str = Field(max_length=128)
    claimed_at: datetime = _when()
    sent_at: datetime | None = _when(nullable=True)
    attempts: int = Field(default=0)
    channel: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    error: str | None = Field(default=None, max_length=255)
    summary: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)


class Snooze(SQLModel, table=True):
    """An owner's request to hear nothing until a moment; recorded with who and until when."""

    __tablename__ = "snooze"

    id: int | None = Field(default=None, primary_key=True)
    owner: str = Field(max_length=32, index=True)
    until: datetime = _when()
    created_by: str = Field(max_length=32)
    created_at: datetime = _when()


class SyncRun(SQLModel, table=True):
    """One connector sync: when, what it saw, and how it ended."""

    __tablename__ = "sync_run"

    id: int | None = Field(default=None, primary_key=True)
    integration_id: int = Field(foreign_key="integration.id", index=True)
    connector_kind: str = Field(max_length=32)
    state: SyncState = Field(default=SyncState.RUNNING, sa_type=enum_type(SyncState, "state"))
    started_at: datetime = _when()
    finished_at: datetime | None = _when(nullable=True)
    seen: int = Field(default=0)
    created: int = Field(default=0)
    updated: int = Field(default=0)
    deactivated: int = Field(default=0)
    error: str | None = Field(default=None, max_length=1000)
    owner_told: bool = Field(default=False)


class SlackInteraction(SQLModel, table=True):
    """Slack interactions already acted on, by Slack's own id for each (its trigger_id): a
    signed request replayed within Slack's five-minute window acts once, on any replica."""

    __tablename__ = "slack_interaction"

    key: str = Field(primary_key=True, max_length=200)
    seen_at: datetime = _when(index=True)


# Registered with the rest (SQLModel.metadata): the review campaign's tables.
from storage.campaign_tables import Campaign as Campaign  # noqa: E402
from storage.campaign_tables import CampaignDecision as CampaignDecision  # noqa: E402
from storage.campaign_tables import CampaignDelegation as CampaignDelegation  # noqa: E402
from storage.campaign_tables import CampaignItem as CampaignItem  # noqa: E402
from storage.campaign_tables import CampaignSignoff as CampaignSignoff  # noqa: E402
