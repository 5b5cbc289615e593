"""Launching a campaign: check that every in-scope source is fresh, freeze the population
(each active identity with its integration, owner and lane), and put its root in the chain."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from bot import validation
from bot.authorization import Actor
from bot.campaigns import events
from bot.campaigns.population import PopulationRoot
from bot.errors import Conflict, InvalidInput, NotAllowed
from bot.integrations import get_integration
from bot.text import plural
from storage import campaigns as campaign_repo
from storage import chain
from storage import integrations as integration_repo
from storage.models import Campaign, Integration, SyncRun
from storage.vocabulary import SyncState


@dataclass(frozen=True)
class StaleSource:
    integration: str
    reason: str


@dataclass(frozen=True)
class Launched:
    name: str
    due_on: date
    scope: tuple[str, ...]
    population: int
    root: str
    head: str
    stale: tuple[StaleSource, ...] = ()
    stale_reason: str | None = None


def start_campaign(
    session: Session,
    *,
    actor: Actor,
    name: str,
    due_on: date,
    integrations: Sequence[str] = (),
    allow_stale: bool = False,
    reason: str | None = None,
    now: datetime,
    max_sync_age: timedelta,
) -> Launched:
    """Freeze the population of `integrations` (every integration when none is named) and
    record the launch. Refuses when a connector's last sync failed or is older than
    `max_sync_age`, unless `allow_stale` with a reason, which is recorded."""
    slug, stale_reason = _checked(session, actor, name, due_on, allow_stale, reason, now)
    scope = _scope(session, integrations)
    stale = tuple(stale_sources(session, scope, now=now, max_age=max_sync_age))
    if stale and not allow_stale:
        listed = "; ".join(f"`{source.integration}`: {source.reason}" for source in stale)
        raise Conflict(
            f"The population would not be complete ({listed}). Sync first, or launch with"
            ' `--allow-stale --reason "..."` to record why not.'
        )
    campaign = _insert_campaign(session, actor, slug, due_on, now, stale_reason if stale else None)
    root = _freeze(session, campaign, scope)
    detail: dict[str, Any] = {
        "campaign": slug,
        "due": due_on.isoformat(),
        "scope": [integration.name for integration in scope],
        "population": root.count,
        "root": root.hexdigest(),
        "stale": [{"integration": s.integration, "reason": s.reason} for s in stale],
        "stale_reason": campaign.stale_reason,
    }
    seq = events.append_entry(
        session, action=events.STARTED, actor=actor.user_id, detail=detail, now=now
    )
    campaign.started_seq, campaign.population_root = seq, root.hexdigest()
    campaign.population_count = root.count
    session.add(campaign)
    session.flush()
    return Launched(
        name=slug,
        due_on=due_on,
        scope=tuple(detail["scope"]),
        population=root.count,
        root=root.hexdigest(),
        head=chain.head_hash(session),
        stale=stale,
        stale_reason=campaign.stale_reason,
    )


def _checked(
    session: Session,
    actor: Actor,
    name: str,
    due_on: date,
    allow_stale: bool,
    reason: str | None,
    now: datetime,
) -> tuple[str, str | None]:
    """The campaign's name and the stale reason, once the request is allowed and sound."""
    if not actor.is_admin:
        raise NotAllowed("Only an admin (BOUNDARY_ADMINS) can start a campaign.")
    slug = events.campaign_name(name)
    if due_on < now.date():
        raise InvalidInput(f"The due date {due_on.isoformat()} is already past.")
    stale_reason = validation.note(reason)
    if allow_stale and stale_reason is None:
        raise InvalidInput('`--allow-stale` needs `--reason "..."`: it goes on the record.')
    if campaign_repo.get_by_name(session, name=slug) is not None:
        raise Conflict(f"A campaign called `{slug}` already exists.")
    return slug, stale_reason


def _scope(session: Session, names: Sequence[str]) -> list[Integration]:
    if names:
        found = {integration.name: integration for integration in map(_named(session), names)}
        return [found[name] for name in sorted(found)]
    everything = list(integration_repo.list_all(session))
    if not everything:
        raise InvalidInput("There is no integration to review yet: register one first.")
    return everything


def _named(session: Session) -> Callable[[str], Integration]:
    return lambda name: get_integration(session, name)


def stale_sources(
    session: Session, scope: Sequence[Integration], *, now: datetime, max_age: timedelta
) -> list[StaleSource]:
    """In-scope integrations whose identities may not be complete: their connector's (or, for
    an integration a sync found, its parent's) last sync failed, never ran, or is too old.
    Integrations kept by hand have no source to be stale."""
    found: list[StaleSource] = []
    for integration in scope:
        source = _source_of(session, integration)
        if source is None:
            continue
        last = session.exec(
            select(SyncRun)
            .where(SyncRun.integration_id == source.id, col(SyncRun.state) != SyncState.RUNNING)
            .order_by(col(SyncRun.started_at).desc())
            .limit(1)
        ).first()
        reason = _staleness(last, now, max_age, source.name if source is not integration else None)
        if reason is not None:
            found.append(StaleSource(integration.name, reason))
    return found


def _source_of(session: Session, integration: Integration) -> Integration | None:
    if integration.connector_kind:
        return integration
    if integration.parent_id is not None:
        parent = integration_repo.get_by_id(session, integration_id=integration.parent_id)
        if parent is not None and parent.connector_kind:
            return parent
    return None


def _staleness(
    last: SyncRun | None, now: datetime, max_age: timedelta, via: str | None
) -> str | None:
    through = f" (synced through `{via}`)" if via else ""
    if last is None:
        return f"never synced{through}"
    if last.state == SyncState.FAILED:
        return f"its last sync failed{through}"
    finished = last.finished_at or last.started_at
    if now - finished > max_age:
        hours = int((now - finished).total_seconds() // 3600)
        return f"last synced {plural(hours, 'hour')} ago{through}"
    return None


def _insert_campaign(
    session: Session, actor: Actor, name: str, due_on: date, now: datetime, reason: str | None
) -> Campaign:
    campaign = Campaign(
        name=name,
        due_on=due_on,
        started_by=actor.user_id,
        started_at=now,
        population_root="",
        population_count=0,
        stale_reason=reason,
    )
    # The name was checked above; two admins launching one name at once: the unique
    # constraint stops the second.
    return campaign_repo.add(session, campaign=campaign)


def _freeze(session: Session, campaign: Campaign, scope: Sequence[Integration]) -> PopulationRoot:
    """Copy the population in the database, then hash it back in position order."""
    campaign_id = campaign.id or 0
    ids = [integration.id or 0 for integration in scope]
    campaign_repo.freeze(session, campaign_id=campaign_id, integration_ids=ids)
    root = PopulationRoot()
    for item in campaign_repo.frozen_items(session, campaign_id=campaign_id):
        root.add(item)
    return root
