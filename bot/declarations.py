"""Declarations: one identity's lane, or one lane for every identity still waiting; each is
appended to the audit chain (storage/chain.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot import validation
from bot.authorization import Actor, require_steward
from bot.errors import NotFound
from bot.integrations import get_integration
from storage import chain
from storage import identities as identity_repo
from storage import integrations as integration_repo
from storage.models import LaneRule
from storage.vocabulary import Answer


@dataclass(frozen=True)
class Recorded:
    """What a declaration use case wrote, for the caller to show."""

    integration: str
    answer: Answer
    count: int
    declared_by: str
    declared_at: datetime
    rule: LaneRule | None = None


def declare(
    session: Session,
    *,
    actor: Actor,
    identity_id: int,
    answer: Answer,
    note: str | None = None,
    now: datetime,
) -> Recorded:
    """Record one owner's answer for one identity (re-declaring the same lane refreshes it)."""
    identity = identity_repo.get(session, identity_id=identity_id)
    if identity is None:
        raise NotFound("That identity no longer exists.")
    integration = integration_repo.get_by_id(session, integration_id=identity.integration_id)
    assert integration is not None
    require_steward(actor, integration)
    moment = now
    chain.append(
        session,
        items=[
            chain.NewDeclaration(
                identity_id=identity_id,
                integration_id=identity.integration_id,
                answer=answer,
                declared_by=actor.user_id,
                declared_at=moment,
                note=validation.note(note),
            )
        ],
    )
    session.expire(identity)
    return Recorded(integration.name, answer, 1, actor.user_id, moment)


def declare_remaining(
    session: Session,
    *,
    actor: Actor,
    integration_name: str,
    answer: Answer,
    note: str | None = None,
    now: datetime,
) -> Recorded:
    """Give every active identity that has no lane yet the same answer."""
    integration = get_integration(session, integration_name)
    require_steward(actor, integration)
    moment = now
    pending = identity_repo.undeclared(session, integration_id=integration.id or 0)
    items = [
        chain.NewDeclaration(
            identity_id=identity.id or 0,
            integration_id=integration.id or 0,
            answer=answer,
            declared_by=actor.user_id,
            declared_at=moment,
            note=validation.note(note),
        )
        for identity in pending
    ]
    chain.append(session, items=items)
    return Recorded(integration.name, answer, len(items), actor.user_id, moment)
