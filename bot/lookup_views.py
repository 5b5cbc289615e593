"""What a lookup answers with: integrations and identities as the surfaces show them (Slack's
answers, the CLI's table, json and tsv, the prompt, App Home and the report), and what `who`
found or suggests. Plain frozen dataclasses; bot/who.py fills them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from storage.models import Integration
from storage.vocabulary import Answer, IdentityKind, IdentityStatus, Layer, ScimStatus, SsoStatus


class LookupKind(StrEnum):
    INTEGRATION = "integration"
    USER = "user"
    EMAIL = "email"
    IDENTITY = "identity"
    DOMAIN = "domain"
    PREFIX = "prefix"


@dataclass(frozen=True)
class IntegrationView:
    name: str
    layer: Layer
    owner: str
    backup_owner: str | None
    channel: str | None
    sso: SsoStatus
    scim: ScimStatus
    owner_active: bool

    @classmethod
    def of(cls, integration: Integration | Any) -> IntegrationView:
        """From an Integration or a row with the same column names."""
        return cls(
            name=integration.name,
            layer=Layer(integration.layer),
            owner=integration.owner,
            backup_owner=integration.backup_owner,
            channel=integration.channel,
            sso=SsoStatus(integration.sso),
            scim=ScimStatus(integration.scim),
            owner_active=integration.owner_active,
        )


@dataclass(frozen=True)
class IntegrationSummary:
    """One integration's active identities by lane and, when the lookup was given the gap
    intervals, its open gaps."""

    lanes: dict[str, int]  # every name in LANES, undeclared included
    open_gaps: int | None = None
    gaps_by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def identities(self) -> int:
        return sum(self.lanes.values())


@dataclass(frozen=True)
class IdentityView:
    id: int
    integration: str
    layer: Layer
    owner: str
    backup_owner: str | None
    external_id: str
    display_name: str
    email: str | None
    kind: IdentityKind
    role: str | None
    status: IdentityStatus
    source: str
    owned_by: str | None
    last_used_at: datetime | None
    source_created_at: datetime | None
    expires_at: datetime | None
    scopes: str | None
    container: str | None
    answer: Answer | None
    declared_by: str | None
    declared_at: datetime | None
    note: str | None
    rule: str | None

    @classmethod
    def of(cls, row: Any) -> IdentityView:
        # By key through the row's mapping: a fifth of the cost of attribute access, which
        # counts when an answer lists 25 identities.
        m = row._mapping
        return cls(
            id=m["id"],
            integration=m["integration"],
            layer=Layer(m["layer"]),
            owner=m["owner"],
            backup_owner=m["backup_owner"],
            external_id=m["external_id"],
            display_name=m["display_name"],
            email=m["email"],
            kind=IdentityKind(m["kind"]),
            role=m["role"],
            status=IdentityStatus(m["status"]),
            source=str(m["source"]),
            owned_by=m["owned_by"],
            last_used_at=m["last_used_at"],
            source_created_at=m["source_created_at"],
            expires_at=m["expires_at"],
            scopes=m["scopes"],
            container=m["container"],
            answer=None if m["answer"] is None else Answer(m["answer"]),
            declared_by=m["declared_by"],
            declared_at=m["declared_at"],
            note=m["note"],
            rule=None if m["rule_match"] is None else f"{m['rule_match']}:{m['rule_value']}",
        )

    @property
    def human(self) -> bool:
        return self.kind is IdentityKind.HUMAN


@dataclass(frozen=True)
class Suggestion:
    """Something that exists and looks like what was typed: `text` is what to look up."""

    text: str
    what: str  # integration, email, name or id


@dataclass(frozen=True)
class GapCheck:
    """What `who <integration>` needs to count the integration's open gaps."""

    now: datetime
    review_days: int
    unused_days: int = 90
    admin_review_days: int = 30


@dataclass(frozen=True)
class Lookup:
    query: str
    kind: LookupKind
    integration: IntegrationView | None = None
    summary: IntegrationSummary | None = None
    identities: list[IdentityView] = field(default_factory=list)
    owned: list[IntegrationView] = field(default_factory=list)
    # The keys, service accounts and bots the person looked up owns or created.
    owned_identities: list[IdentityView] = field(default_factory=list)
    # Integrations whose name starts with the query (a prefix lookup).
    integrations: list[IntegrationView] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    too_short: bool = False
    # More matched than MAX_RESULTS: the lists are the first ones.
    more: bool = False

    @property
    def found(self) -> bool:
        return bool(
            self.integration is not None
            or self.identities
            or self.owned
            or self.owned_identities
            or self.integrations
        )

    @property
    def repeated_emails(self) -> frozenset[str]:
        """Emails that more than one listed identity has: those rows also show the external id."""
        seen: set[str] = set()
        repeated: set[str] = set()
        for view in (*self.identities, *self.owned_identities):
            if view.email:
                (repeated if view.email in seen else seen).add(view.email)
        return frozenset(repeated)
