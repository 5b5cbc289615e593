"""Repository functions for integrations and their audit events (appended to the audit chain)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, or_, select

from storage import chain
from storage.chain import NewEvent
from storage.models import AuditEvent, Integration


def get_by_name(session: Session, *, name: str) -> Integration | None:
    return session.exec(select(Integration).where(Integration.name == name)).first()


def get_by_id(session: Session, *, integration_id: int) -> Integration | None:
    return session.get(Integration, integration_id)


def list_all(session: Session) -> Sequence[Integration]:
    return session.exec(select(Integration).order_by(Integration.name)).all()


def owned_by(session: Session, *, user_id: str) -> Sequence[Integration]:
    """Integrations the user owns or backs up."""
    return session.exec(
        select(Integration)
        .where(or_(Integration.owner == user_id, Integration.backup_owner == user_id))
        .order_by(Integration.name)
    ).all()


def add(session: Session, *, integration: Integration) -> Integration:
    """Insert; a name taken meanwhile by another writer raises sqlalchemy's IntegrityError."""
    session.add(integration)
    session.flush()
    return integration


def record_event(
    session: Session,
    *,
    actor: str,
    action: str,
    integration_id: int | None,
    detail: dict[str, Any] | None = None,
    at: datetime,
) -> None:
    """Append one state change to the audit chain (under the head's lock, like a declaration)."""
    item = NewEvent(at=at, actor=actor, action=action, integration_id=integration_id, detail=detail)
    chain.append_events(session, items=[item])


def events_for(session: Session, *, integration_id: int) -> Sequence[AuditEvent]:
    return session.exec(
        select(AuditEvent)
        .where(AuditEvent.integration_id == integration_id)
        .order_by(col(AuditEvent.id))
    ).all()
