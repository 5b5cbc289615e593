"""Sync runs on record: when each starts, how it ends, and telling the owner of a failure once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from bot.authorization import Actor, require_steward
from bot.errors import InvalidInput
from bot.integrations import get_integration
from bot.runtime import Runtime
from storage import integrations as integration_repo
from storage.models import Integration, SyncRun
from storage.vocabulary import SyncState

logger = logging.getLogger(__name__)

Notify = Callable[[str, str], None]
# A run still `running` after this long was in a process that died mid-sync (SIGKILL, a crash):
# no sync takes anywhere near it, so it is closed as failed when the next one starts.
INTERRUPTED_AFTER = timedelta(hours=6)
INTERRUPTED = "interrupted: the process stopped before the sync finished"
SYNC_FINISHED = "sync.finished"
SYNC_FAILED = "sync.failed"


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
class Counts:
    seen: int = 0
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    declared: int = 0


@dataclass(frozen=True)
class StartedRun:
    integration: Integration
    run_id: int
    moment: datetime


def sync_moment(session: Session, integration_id: int, now: datetime) -> datetime:
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


def close_interrupted(session: Session, *, integration_id: int, now: datetime) -> int:
    """Mark this integration's runs left `running` by a process that died as failed."""
    stuck = session.exec(
        select(SyncRun).where(
            col(SyncRun.integration_id) == integration_id,
            col(SyncRun.state) == SyncState.RUNNING,
            col(SyncRun.started_at) < now - INTERRUPTED_AFTER,
        )
    ).all()
    for run in stuck:
        run.state, run.finished_at, run.error = SyncState.FAILED, now, INTERRUPTED
        session.add(run)
        _record_end(session, run, {"error": INTERRUPTED})
    return len(stuck)


def start_run(runtime: Runtime, *, actor: Actor, integration_name: str) -> StartedRun:
    """Check who may sync, then record the run as started (in a unit of work of its own, so
    the run is on record even when the sync fails)."""
    with runtime.unit_of_work() as session:
        integration = get_integration(session, integration_name)
        require_steward(actor, integration)
        if not integration.connector_kind:
            raise InvalidInput(
                f"`{integration.name}` has no connector configured; see docs/connectors.md"
                " (`boundary-bot connect`)."
            )
        moment = sync_moment(session, integration.id or 0, runtime.clock.now())
        close_interrupted(session, integration_id=integration.id or 0, now=moment)
        run = SyncRun(
            integration_id=integration.id or 0,
            connector_kind=integration.connector_kind,
            started_at=moment,
        )
        session.add(run)
        session.flush()
        return StartedRun(integration, run.id or 0, moment)


def finish_run(session: Session, *, run_id: int, counts: Counts, now: datetime) -> None:
    """Close the run as ok, and chain its counts (in the sync's own unit of work)."""
    run = session.get(SyncRun, run_id)
    assert run is not None
    run.state, run.finished_at = SyncState.OK, now
    run.seen, run.created, run.updated = counts.seen, counts.created, counts.updated
    run.deactivated = counts.deactivated
    session.add(run)
    _record_end(session, run, {**asdict(counts)})


def _record_end(session: Session, run: SyncRun, outcome: dict[str, Any]) -> None:
    """The chained entry of a sync run's end: an auditor sees each run, what it saw and how it
    ended, in the same record as the declarations it led to."""
    assert run.finished_at is not None
    integration_repo.record_event(
        session,
        at=run.finished_at,
        actor=f"sync:{run.connector_kind}",
        action=SYNC_FINISHED if run.state == SyncState.OK else SYNC_FAILED,
        integration_id=run.integration_id,
        detail={
            "run_id": run.id,
            "connector": run.connector_kind,
            "started_at": run.started_at.isoformat(),
            **outcome,
        },
    )


def record_failure(
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
        _record_end(session, run, {"error": run.error})
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
