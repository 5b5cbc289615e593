"""Changing the inventory for one request, each change in its own unit of work: register an
integration, reassign its owners, add an identity by hand; and resolve an integration a request
names, refusing early what its slow work would refuse later."""

from __future__ import annotations

from bot import identities, integrations
from bot.authorization import Actor, require_steward
from bot.runtime import Runtime
from storage.models import Identity, Integration
from storage.vocabulary import IdentityKind, Layer


def register_integration(
    runtime: Runtime, *, actor: Actor, name: str, layer: Layer, owner: str | None = None
) -> Integration:
    """Anyone may register an integration; the owner defaults to whoever registers it."""
    with runtime.unit_of_work() as session:
        return integrations.register_integration(
            session, actor=actor, name=name, layer=layer, owner=owner, now=runtime.clock.now()
        )


def change_owner(
    runtime: Runtime,
    *,
    actor: Actor,
    name: str,
    owner: str | None,
    backup_owner: str | None = None,
) -> Integration:
    """Reassign the owner and/or the backup owner; None leaves either as it is."""
    backup = {} if backup_owner is None else {"backup_owner": backup_owner}
    with runtime.unit_of_work() as session:
        return integrations.change_owner(
            session, actor=actor, name=name, owner=owner, now=runtime.clock.now(), **backup
        )


def add_identity(
    runtime: Runtime, *, actor: Actor, integration: str, id_or_email: str, kind: IdentityKind
) -> Identity:
    """One identity added by hand; it waits for a lane like any other."""
    with runtime.unit_of_work() as session:
        return identities.add_identity(
            session,
            actor=actor,
            integration_name=integration,
            id_or_email=id_or_email,
            kind=kind,
            now=runtime.clock.now(),
        )


def resolve_integration(runtime: Runtime, name: str, *, steward: Actor | None = None) -> str:
    """The registered name of the integration called `name` (NotFound otherwise); given a
    `steward`, also refuses someone who may not steward it (NotAllowed)."""
    with runtime.reading() as session:
        integration = integrations.get_integration(session, name)
        if steward is not None:
            require_steward(steward, integration)
        return integration.name
