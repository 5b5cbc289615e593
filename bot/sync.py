"""Connector syncs: pull identities and SSO/SCIM facts from a source into one integration.

All writes of one sync happen in one unit of work, so a source failing half-way loses nothing;
the failed run is then recorded in a unit of work of its own, and the owner is told once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from bot import coverage as claims
from bot.authorization import Actor, require_steward
from bot.connectors import ConnectorKind, build_connector, check_settings
from bot.connectors.base import ConnectorError, SourceIdentity
from bot.connectors.http import RetryPolicy
from bot.context import Runtime
from bot.errors import InvalidInput
from bot.inventory import get_integration
from bot.review import apply_rules
from storage import identities as identity_repo
from storage import integrations as integration_repo
from storage.models import Integration, SyncRun
from storage.vocabulary import Layer, Source, SyncState

logger = logging.getLogger(__name__)

SCHEDULER = Actor(user_id="boundary-bot:scheduler", is_admin=True)
Notify = Callable[[str, str], None]
Progress = Callable[[int], None]


@dataclass(frozen=True)
class SyncOutcome:
    integration: str
    ok: bool
    seen: int = 0
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    error: str | None = None
    declared_by_rules: int = 0
    new_integrations: tuple[str, ...] = ()


@dataclass
class _Counts:
    seen: int = 0
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    declared: int = 0


def connect_integration(
    session: Session,
    *,
    actor: Actor,
    integration_name: str,
    kind: ConnectorKind,
    settings: dict[str, Any],
    now: datetime,
) -> Integration:
    """Store a connector's non-secret settings; the secret stays in the named variable."""
    integration = get_integration(session, integration_name)
    require_steward(actor, integration)
    checked = check_settings(kind, settings)
    integration.connector_kind, integration.connector_settings = kind.value, checked
    integration.updated_at = now
    session.add(integration)
    integration_repo.record_event(
        session,
        actor=actor.user_id,
        action="connector.configured",
        integration_id=integration.id,
        detail={"kind": kind.value, "settings": checked},
        at=now,
    )
    return integration


def sync_integration(
    runtime: Runtime,
    *,
    actor: Actor,
    integration_name: str,
    notify: Notify | None = None,
    progress: Progress | None = None,
    retry: RetryPolicy | None = None,
) -> SyncOutcome:
    """Pull identities and SSO/SCIM facts for one integration from its connector.

    Manages its own units of work: the sync run is recorded even when the sync fails.
    """
    with runtime.unit_of_work() as session:
        integration = get_integration(session, integration_name)
        require_steward(actor, integration)
        if not integration.connector_kind:
            raise InvalidInput(
                f"`{integration.name}` has no connector configured; see docs/connectors.md"
                " (`boundary-bot connect`)."
            )
        moment = _sync_moment(session, integration.id or 0, runtime.clock.now())
        run = SyncRun(
            integration_id=integration.id or 0,
            connector_kind=integration.connector_kind,
            started_at=moment,
        )
        session.add(run)
        session.flush()
        run_id = run.id or 0
    try:
        connector = build_connector(integration, runtime.settings, retry)
        with runtime.unit_of_work() as session:
            counts, created = _pull(session, integration.id or 0, connector, moment, progress)
            run = session.get(SyncRun, run_id) or run
            run.state, run.finished_at = SyncState.OK, runtime.clock.now()
            run.seen, run.created, run.updated = counts.seen, counts.created, counts.updated
            run.deactivated = counts.deactivated
            session.add(run)
    except ConnectorError as error:
        return _failed(runtime, integration, run_id, str(error), notify)
    except Exception:
        # A bug or a database fault: the traceback goes to the log, a short line to the owner.
        logger.exception("sync of %s failed unexpectedly", integration.name)
        return _failed(runtime, integration, run_id, "internal error (see the bot's log)", notify)
    if notify is not None:
        for name in created:
            notify(
                integration.owner,
                f"`{name}` was created from a {integration.connector_kind} organisation of"
                f" `{integration.name}`; its identities are waiting for your review.",
            )
    logger.info(
        "synced %s: %d seen, %d created, %d updated, %d deactivated",
        integration.name,
        counts.seen,
        counts.created,
        counts.updated,
        counts.deactivated,
    )
    return SyncOutcome(
        integration=integration.name,
        ok=True,
        seen=counts.seen,
        created=counts.created,
        updated=counts.updated,
        deactivated=counts.deactivated,
        declared_by_rules=counts.declared,
        new_integrations=tuple(created),
    )


def sync_all(runtime: Runtime, *, notify: Notify | None = None) -> list[SyncOutcome]:
    """The scheduled sync: expire old manual claims, then sync every configured connector."""
    with runtime.unit_of_work() as session:
        claims.expire_claims(session, now=runtime.clock.now())
        names = list(
            session.exec(
                select(Integration.name)
                .where(col(Integration.connector_kind).is_not(None))
                .order_by(col(Integration.name))
            )
        )
    return [
        sync_integration(runtime, actor=SCHEDULER, integration_name=name, notify=notify)
        for name in names
    ]


def _sync_moment(session: Session, integration_id: int, now: datetime) -> datetime:
    """Each run's start is strictly later than the previous one's: identities last seen before
    it are the ones the source stopped reporting, even with a clock that stands still."""
    previous = session.exec(
        select(SyncRun.started_at)
        .where(col(SyncRun.integration_id) == integration_id)
        .order_by(col(SyncRun.started_at).desc())
        .limit(1)
    ).first()
    if previous is not None and previous >= now:
        return previous + timedelta(milliseconds=1)
    return now


def _pull(
    session: Session,
    integration_id: int,
    connector: Any,
    moment: datetime,
    progress: Progress | None,
) -> tuple[_Counts, list[str]]:
    integration = session.get(Integration, integration_id)
    assert integration is not None
    source = Source(connector.source)
    counts = _Counts()
    for page in connector.identity_pages():
        _upsert_page(session, integration_id, source, page, moment, counts)
        if progress is not None:
            progress(len(page))
    counts.deactivated += identity_repo.deactivate_unseen(
        session, integration_id=integration_id, source=source, before=moment
    )
    created: list[str] = []
    seen_children: set[int] = set()
    for organisation in connector.organisations():
        child, is_new = _child(
            session, integration, organisation.external_ref, organisation.name, now=moment
        )
        seen_children.add(child.id or 0)
        if is_new:
            created.append(child.name)
        for page in organisation.identities():
            _upsert_page(session, child.id or 0, source, page, moment, counts)
            if progress is not None:
                progress(len(page))
        counts.deactivated += identity_repo.deactivate_unseen(
            session, integration_id=child.id or 0, source=source, before=moment
        )
        claims.apply_source_facts(session, child, organisation.coverage, source, moment)
        counts.declared += apply_rules(session, integration=child, now=moment)
    for child in _children(session, integration_id):
        if (child.id or 0) not in seen_children:  # the organisation is gone at the source
            counts.deactivated += identity_repo.deactivate_unseen(
                session, integration_id=child.id or 0, source=source, before=moment
            )
    claims.apply_source_facts(session, integration, connector.coverage(), source, moment)
    counts.declared += apply_rules(session, integration=integration, now=moment)
    return counts, created


def _upsert_page(
    session: Session,
    integration_id: int,
    source: Source,
    page: list[SourceIdentity],
    moment: datetime,
    counts: _Counts,
) -> None:
    """Insert new identities, update changed ones, and mark every one of them seen."""
    unique = {identity.external_id: identity for identity in page}
    existing = identity_repo.existing_among(
        session, integration_id=integration_id, external_ids=list(unique)
    )
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    unchanged: list[int] = []
    for external_id, identity in unique.items():
        values: dict[str, Any] = {
            "display_name": identity.display_name,
            "email": identity.email,
            "kind": identity.kind,
            "role": identity.role,
            "status": identity.status,
            "last_used_at": identity.last_used_at,
            "owned_by": identity.owned_by,
            "source": source,
        }
        current = existing.get(external_id)
        if current is None:
            inserts.append(
                {
                    **values,
                    "integration_id": integration_id,
                    "external_id": external_id,
                    "first_seen_at": moment,
                    "last_seen_at": moment,
                }
            )
            continue
        changed = {k: v for k, v in values.items() if getattr(current, k) != v}
        if changed:
            updates.append({"id": current.id, **changed, "last_seen_at": moment})
        else:
            unchanged.append(current.id)
    identity_repo.insert_many(session, rows=inserts)
    identity_repo.update_many(session, rows=updates)
    identity_repo.mark_seen(session, identity_ids=unchanged, now=moment)
    counts.seen += len(unique)
    counts.created += len(inserts)
    counts.updated += len(updates)


def _children(session: Session, parent_id: int) -> list[Integration]:
    return list(session.exec(select(Integration).where(col(Integration.parent_id) == parent_id)))


def _child(
    session: Session, parent: Integration, external_ref: str, name: str, *, now: datetime
) -> tuple[Integration, bool]:
    """The application integration of one customer organisation, created on first sight."""
    found = session.exec(
        select(Integration).where(
            col(Integration.parent_id) == parent.id,
            col(Integration.external_ref) == external_ref,
        )
    ).first()
    if found is not None:
        return found, False
    slug = _slug(f"{parent.name}-{name}")
    if integration_repo.get_by_name(session, name=slug) is not None:
        slug = _slug(f"{slug[:40]}-{external_ref[-12:]}")
    child = Integration(
        name=slug,
        layer=Layer.APPLICATION,
        owner=parent.owner,
        backup_owner=parent.backup_owner,
        channel=parent.channel,
        external_ref=external_ref[:255],
        parent_id=parent.id,
        created_by=f"sync:{parent.connector_kind}",
        created_at=now,
        updated_at=now,
    )
    integration_repo.add(session, integration=child)
    integration_repo.record_event(
        session,
        actor=f"sync:{parent.connector_kind}",
        action="integration.registered",
        integration_id=child.id,
        detail={"layer": "application", "owner": parent.owner, "organisation": name[:255]},
        at=now,
    )
    return child, True


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:64].strip("-")
    return slug or "organisation"


def _failed(
    runtime: Runtime, integration: Integration, run_id: int, error: str, notify: Notify | None
) -> SyncOutcome:
    """Record the failure; tell the owner unless this failure streak was already told."""
    with runtime.unit_of_work() as session:
        run = session.get(SyncRun, run_id)
        assert run is not None
        previous = session.exec(
            select(SyncRun)
            .where(col(SyncRun.integration_id) == run.integration_id, col(SyncRun.id) < run_id)
            .order_by(col(SyncRun.id).desc())
            .limit(1)
        ).first()
        already_told = (
            previous is not None and previous.state == SyncState.FAILED and previous.owner_told
        )
        run.state, run.finished_at, run.error = SyncState.FAILED, runtime.clock.now(), error[:1000]
        run.owner_told = already_told
        session.add(run)
    logger.warning("sync of %s failed: %s", integration.name, error)
    if notify is not None and not already_told:
        notify(
            integration.owner,
            f"The {integration.connector_kind} sync of `{integration.name}` failed: {error}."
            " The identities already recorded are kept; I will tell you again only after a"
            " sync succeeds and a later one fails.",
        )
        with runtime.unit_of_work() as session:
            told = session.get(SyncRun, run_id)
            if told is not None:
                told.owner_told = True
                session.add(told)
    return SyncOutcome(integration=integration.name, ok=False, error=error)
