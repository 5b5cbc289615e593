"""Connector syncs (the connectors issue replaces this placeholder with the real use case)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.authorization import Actor, require_steward
from bot.errors import InvalidInput
from bot.inventory import get_integration


@dataclass(frozen=True)
class SyncOutcome:
    integration: str
    ok: bool
    seen: int = 0
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    error: str | None = None


def sync_integration(session: Session, *, actor: Actor, integration_name: str) -> SyncOutcome:
    """Pull identities and SSO/SCIM facts for one integration from its connector."""
    integration = get_integration(session, integration_name)
    require_steward(actor, integration)
    raise InvalidInput(
        f"`{integration.name}` has no connector configured; see docs/connectors.md"
        " (`boundary-bot connect`)."
    )
