"""`who`: who owns an integration, what lane an identity or email is in, what a user owns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from bot import validation
from bot.errors import InvalidInput
from bot.runtime import Runtime
from storage import lookups
from storage.models import Integration
from storage.vocabulary import Answer, IdentityKind, IdentityStatus, Layer, ScimStatus, SsoStatus

MAX_RESULTS = 25
MAX_QUERY = 320


class LookupKind(StrEnum):
    INTEGRATION = "integration"
    USER = "user"
    EMAIL = "email"
    IDENTITY = "identity"


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
    answer: Answer | None
    declared_by: str | None
    declared_at: datetime | None
    note: str | None
    rule: str | None

    @classmethod
    def of(cls, row: Any) -> IdentityView:
        return cls(
            id=row.id,
            integration=row.integration,
            layer=Layer(row.layer),
            owner=row.owner,
            backup_owner=row.backup_owner,
            external_id=row.external_id,
            display_name=row.display_name,
            email=row.email,
            kind=IdentityKind(row.kind),
            role=row.role,
            status=IdentityStatus(row.status),
            source=str(row.source),
            owned_by=row.owned_by,
            last_used_at=row.last_used_at,
            answer=None if row.answer is None else Answer(row.answer),
            declared_by=row.declared_by,
            declared_at=row.declared_at,
            note=row.note,
            rule=None if row.rule_match is None else f"{row.rule_match}:{row.rule_value}",
        )


@dataclass(frozen=True)
class Lookup:
    query: str
    kind: LookupKind
    integration: IntegrationView | None = None
    identities: list[IdentityView] = field(default_factory=list)
    owned: list[IntegrationView] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.integration is not None or bool(self.identities) or bool(self.owned)


def who(session: Session, *, query: str) -> Lookup:
    """Anyone may look up. The query is a Slack user id, an email, an integration name or an
    identity's external id; each is answered by one indexed query."""
    text = query.strip()
    if not text:
        raise InvalidInput("Look up an integration, a @user, an email or an identity id.")
    if len(text) > MAX_QUERY:
        raise InvalidInput(f"That is too long to look up (at most {MAX_QUERY} characters).")
    if validation.looks_like_slack_user(text):
        owned = lookups.integrations_owned_by(session, user_id=text)
        return Lookup(text, LookupKind.USER, owned=[IntegrationView.of(i) for i in owned])
    if "@" in text:
        email = _email(text)
        if email is not None:
            rows = lookups.identities_by_email(session, email=email, limit=MAX_RESULTS)
            return Lookup(email, LookupKind.EMAIL, identities=[IdentityView.of(r) for r in rows])
    integration = lookups.integration_by_name(session, name=text.lower())
    if integration is not None:
        return Lookup(text, LookupKind.INTEGRATION, integration=IntegrationView.of(integration))
    rows = lookups.identities_by_external_id(session, external_id=text, limit=MAX_RESULTS)
    return Lookup(text, LookupKind.IDENTITY, identities=[IdentityView.of(r) for r in rows])


_PLAIN_EMAIL = re.compile(r"^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$")


def _email(text: str) -> str | None:
    """The stored (normalised) form of an email, or None if it is not one.

    A plain ASCII address normalises to its lower case; only the rest needs the full
    validator, which costs more than the lookup itself.
    """
    lowered = text.lower()
    if _PLAIN_EMAIL.match(lowered):
        return lowered
    try:
        return validation.email(text)
    except InvalidInput:
        return None  # not an email after all: an id like `svc@build`


def look_up(runtime: Runtime, *, query: str) -> Lookup:
    """`who`, in one reading unit of work."""
    with runtime.reading() as session:
        return who(session, query=query)
