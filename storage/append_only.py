"""The ORM's guard on append-only tables: the chain's entries and a campaign's records are
never updated or deleted through a session (the database's triggers refuse raw SQL too)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Session

from storage.models import (
    AuditEvent,
    CampaignDecision,
    CampaignDelegation,
    CampaignItem,
    CampaignSignoff,
    Declaration,
)

MESSAGES: dict[type[Any], str] = {
    Declaration: "declarations are append-only",
    AuditEvent: "audit events are append-only",
    CampaignItem: "the population of a campaign is frozen at launch",
    CampaignDecision: "campaign decisions are append-only",
    CampaignDelegation: "campaign delegations are append-only",
    CampaignSignoff: "campaign sign-offs are append-only",
}


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an entry of the chain or a campaign record."""


def _refuse(mapper: Any, *_: Any) -> None:
    raise AppendOnlyError(MESSAGES[mapper.class_])


for _table in MESSAGES:
    event.listen(_table, "before_update", _refuse)
    event.listen(_table, "before_delete", _refuse)


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_writes(state: ORMExecuteState) -> None:
    writes = state.is_update or state.is_delete
    mapped = state.bind_mapper.class_ if state.bind_mapper is not None else None
    if writes and mapped in MESSAGES:
        raise AppendOnlyError(MESSAGES[mapped])
