"""Connector syncs (the connectors issue replaces this placeholder with the real use case)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.authorization import Actor, require_steward
from bot.context import Runtime
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


def sync_integration(runtime: Runtime, *, actor: Actor, integration_name: str) -> SyncOutcome:
    """Pull identities and SSO/SCIM facts for one integration from its connector.

    Manages its own units of work: the sync run is recorded even when the sync fails.
    """
    with runtime.unit_of_work() as session:
        integration = get_integration(session, integration_name)
        require_steward(actor, integration)
    raise InvalidInput(
        f"`{integration.name}` has no connector configured; see docs/connectors.md"
        " (`boundary-bot connect`)."
    )


def sync_all(runtime: Runtime) -> list[SyncOutcome]:
    """The scheduled sync: every integration that has a connector."""
    return []
