"""Identities: add one by hand, and find one of an integration by external id or email."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from bot import validation
from bot.authorization import Actor, require_steward
from bot.errors import Conflict, InvalidInput, NotFound
from bot.integrations import get_integration
from storage import identities as identity_repo
from storage import integrations as integration_repo
from storage.models import Identity, Integration
from storage.vocabulary import IdentityKind, Source


def add_identity(
    session: Session,
    *,
    actor: Actor,
    integration_name: str,
    id_or_email: str,
    kind: IdentityKind = IdentityKind.HUMAN,
    display_name: str | None = None,
    role: str | None = None,
    now: datetime,
) -> Identity:
    """Add one identity by hand. An email is used as the external id too."""
    integration = get_integration(session, integration_name)
    require_steward(actor, integration)
    raw = validation.external_id(id_or_email)
    email = validation.email(raw) if "@" in raw else None
    external_id = email or raw
    if identity_repo.get_by_external_id(
        session, integration_id=integration.id or 0, external_id=external_id
    ):
        raise Conflict(f"`{external_id}` is already an identity of `{integration.name}`.")
    moment = now
    identity = Identity(
        integration_id=integration.id or 0,
        external_id=external_id,
        display_name=(display_name or external_id)[:255],
        email=email,
        kind=kind,
        role=role,
        source=Source.MANUAL,
        first_seen_at=moment,
        last_seen_at=moment,
    )
    session.add(identity)
    session.flush()
    integration_repo.record_event(
        session,
        actor=actor.user_id,
        action="identity.added",
        integration_id=integration.id,
        detail={"identity_id": identity.id, "external_id": external_id, "kind": str(kind)},
        at=moment,
    )
    return identity


def find_identity(session: Session, *, integration_name: str, id_or_email: str) -> Identity:
    """An identity of one integration by its external id or, failing that, by its email.

    An external id wins over an email (identities added by hand use their email as their id);
    an email shared by several identities of the integration is refused, naming their ids.
    """
    integration = get_integration(session, integration_name)
    wanted = id_or_email.strip()
    for candidate in dict.fromkeys((wanted, wanted.lower())):
        identity = identity_repo.get_by_external_id(
            session, integration_id=integration.id or 0, external_id=candidate
        )
        if identity is not None:
            return identity
    matches = _with_email(session, integration, wanted)
    if len(matches) == 1:
        return matches[0]
    if matches:
        ids = ", ".join(validation.clip(identity.external_id) for identity in matches)
        raise Conflict(
            f"`{validation.clip(wanted)}` is the email of {len(matches)} identities of"
            f" `{integration.name}` ({ids}); declare one by its external id."
        )
    raise NotFound(f"`{integration.name}` has no identity `{validation.clip(wanted)}`.")


def _with_email(session: Session, integration: Integration, text: str) -> Sequence[Identity]:
    if "@" not in text:
        return []
    try:
        email = validation.email(text)
    except InvalidInput:
        return []  # not an email after all: an id like `svc@build`
    return identity_repo.with_email(session, integration_id=integration.id or 0, email=email)
