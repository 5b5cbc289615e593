"""Connector syncs: configure a connector, sync one integration, or sync them all.

All writes of one sync happen in one unit of work, so a source failing half-way loses nothing;
the failed run is then recorded in a unit of work of its own, and the owner is told once.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from bot import coverage as claims
from bot.authorization import Actor, require_steward
from bot.connectors import ConnectorKind, build_connector, check_settings
from bot.connectors.base import ConnectorError
from bot.connectors.http import RetryPolicy
from bot.integrations import get_integration
from bot.runtime import Runtime
from bot.sync.pull import Progress, pull
from bot.sync.runs import (
    Notify,
    StartedRun,
    SyncOutcome,
    finish_run,
    record_failure,
    start_run,
)
from bot.sync.spool import SpooledSource
from storage import integrations as integration_repo
from storage.models import Integration

logger = logging.getLogger(__name__)

SCHEDULER = Actor(user_id="boundary-bot:scheduler", is_admin=True)


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
    started = start_run(runtime, actor=actor, integration_name=integration_name)
    began = time.perf_counter()  # a duration, on the monotonic clock, for the metrics
    outcome = _sync(runtime, started, notify=notify, progress=progress, retry=retry)
    runtime.metrics.sync_finished(
        started.integration.connector_kind or "none",
        ok=outcome.ok,
        seconds=time.perf_counter() - began,
    )
    return outcome


def _sync(
    runtime: Runtime,
    started: StartedRun,
    *,
    notify: Notify | None,
    progress: Progress | None,
    retry: RetryPolicy | None,
) -> SyncOutcome:
    integration, run_id = started.integration, started.run_id
    try:
        connector = build_connector(integration, runtime.settings, retry)
        # The network first, outside any transaction; then one unit of work writes it all.
        with SpooledSource.read(connector) as source, runtime.unit_of_work() as session:
            counts, created = pull(session, integration.id or 0, source, started.moment, progress)
            finish_run(session, run_id=run_id, counts=counts, now=runtime.clock.now())
    except ConnectorError as error:
        return record_failure(runtime, integration, run_id, str(error), notify)
    except Exception:
        # A bug or a database fault: the traceback goes to the log, a short line to the owner.
        logger.exception("sync of %s failed unexpectedly", integration.name)
        return record_failure(
            runtime, integration, run_id, "internal error (see the bot's log)", notify
        )
    if notify is not None:
        for name in created:
            notify(
                integration.owner,
                f"`{name}` was created from a {_part(integration)} of `{integration.name}`;"
                " its identities are waiting for your review.",
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


def _part(integration: Integration) -> str:
    """What one child integration is at the source, for the owner's message."""
    return "Okta app" if integration.connector_kind == "okta" else "WorkOS organisation"


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
