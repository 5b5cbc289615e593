"""Integrations: register one, look it up, reassign its owners, state its SSO/SCIM status,
and mark an owner active or gone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from bot import coverage, validation
from bot.authorization import Actor, require_steward
from bot.errors import Conflict, InvalidInput, NotFound
from storage import integrations as integration_repo
from storage.models import Integration
from storage.vocabulary import CoverageKind, Layer, ScimStatus, SsoStatus

# The review interval's default (BOUNDARY_REVIEW_DAYS): how long a registration's claim holds.
DEFAULT_REVIEW_DAYS = 90


def get_integration(session: Session, name: str) -> Integration:
    integration = integration_repo.get_by_name(session, name=name.strip().lower())
    if integration is None:
        raise NotFound(f"No integration is called `{validation.clip(name)}`.")
    return integration


def register_integration(
    session: Session,
    *,
    actor: Actor,
    name: str,
    layer: Layer,
    owner: str | None = None,
    backup_owner: str | None = None,
    channel: str | None = None,
    sso: SsoStatus = SsoStatus.UNKNOWN,
    scim: ScimStatus = ScimStatus.UNKNOWN,
    evidence_url: str | None = None,
    review_days: int = DEFAULT_REVIEW_DAYS,
    now: datetime,
) -> Integration:
    """Anyone may register an integration; the owner defaults to whoever registers it. An SSO
    or SCIM status given here is a claim like any other (bot/coverage.py): its evidence link,
    or its lack, is on record, and it expires after `review_days`."""
    slug = validation.integration_name(name)
    owner_id, backup_id = _owners(actor, owner, backup_owner)
    if integration_repo.get_by_name(session, name=slug) is not None:
        raise Conflict(f"`{slug}` is already registered; try `/boundary who {slug}`.")
    integration = Integration(
        name=slug,
        layer=layer,
        owner=owner_id,
        backup_owner=backup_id,
        channel=channel,
        created_by=actor.user_id,
        created_at=now,
        updated_at=now,
    )
    try:
        integration_repo.add(session, integration=integration)
    except sa.exc.IntegrityError:
        raise Conflict(f"`{slug}` is already registered.") from None
    detail = {"layer": str(layer), "owner": owner_id, "backup_owner": backup_id}
    integration_repo.record_event(
        session,
        actor=actor.user_id,
        action="integration.registered",
        integration_id=integration.id,
        detail=detail,
        at=now,
    )
    for kind, status in ((CoverageKind.SSO, sso), (CoverageKind.SCIM, scim)):
        if status.value != "unknown":
            coverage.record_claim(
                session,
                actor=actor,
                integration=integration,
                kind=kind,
                status=status,
                evidence_url=evidence_url,
                review_days=review_days,
                now=now,
                at_registration=True,
            )
    return integration


def _owners(actor: Actor, owner: str | None, backup_owner: str | None) -> tuple[str, str | None]:
    """The owner (whoever registers, unless named) and the backup, who must be someone else."""
    owner_id = validation.slack_user_id(owner) if owner else actor.user_id
    backup_id = validation.slack_user_id(backup_owner) if backup_owner else None
    if backup_id is not None and backup_id == owner_id:
        raise InvalidInput("The backup owner must be someone other than the owner.")
    return owner_id, backup_id


_UNCHANGED = "unchanged"


def change_owner(
    session: Session,
    *,
    actor: Actor,
    name: str,
    owner: str | None = None,
    backup_owner: str | None = _UNCHANGED,
    now: datetime,
) -> Integration:
    """Reassign the owner and/or the backup owner (None clears the backup)."""
    integration = get_integration(session, name)
    require_steward(actor, integration)
    new_owner = validation.slack_user_id(owner) if owner else integration.owner
    if backup_owner == _UNCHANGED:
        new_backup = integration.backup_owner
    else:
        new_backup = validation.slack_user_id(backup_owner) if backup_owner else None
    if new_backup is not None and new_backup == new_owner:
        raise InvalidInput("The backup owner must be someone other than the owner.")
    detail = {
        "owner": [integration.owner, new_owner],
        "backup_owner": [integration.backup_owner, new_backup],
    }
    if new_owner != integration.owner:
        integration.owner_active = True  # the orphan check confirms it on its next run
    integration.owner, integration.backup_owner = new_owner, new_backup
    moment = now
    integration.updated_at = moment
    session.add(integration)
    integration_repo.record_event(
        session,
        actor=actor.user_id,
        action="integration.owner_changed",
        integration_id=integration.id,
        detail=detail,
        at=moment,
    )
    return integration


def set_coverage(
    session: Session,
    *,
    actor: Actor,
    name: str,
    sso: SsoStatus | None = None,
    scim: ScimStatus | None = None,
    now: datetime,
) -> Integration:
    """A manual statement of SSO or SCIM status, recorded as an audit event; like a claim, it
    never upgrades a source-reported `platform-only`."""
    integration = get_integration(session, name)
    require_steward(actor, integration)
    if scim is not None:
        coverage.refuse_platform_upgrade(integration, CoverageKind.SCIM, scim)
    detail: dict[str, list[str]] = {}
    if sso is not None:
        detail["sso"] = [str(integration.sso), str(sso)]
        integration.sso, integration.sso_source = sso, "manual"
    if scim is not None:
        detail["scim"] = [str(integration.scim), str(scim)]
        integration.scim, integration.scim_source = scim, "manual"
    integration.updated_at = now
    session.add(integration)
    integration_repo.record_event(
        session,
        actor=actor.user_id,
        action="integration.coverage_set",
        integration_id=integration.id,
        detail=detail,
        at=now,
    )
    return integration


def mark_owner_active(session: Session, *, user_id: str, active: bool) -> int:
    """Keep the `orphan` flag current; called by whatever learned a Slack user's state."""
    changed = 0
    for integration in integration_repo.owned_by(session, user_id=user_id):
        if integration.owner == user_id and integration.owner_active != active:
            integration.owner_active = active
            session.add(integration)
            changed += 1
    return changed


def list_integrations(session: Session) -> Sequence[Integration]:
    return integration_repo.list_all(session)
