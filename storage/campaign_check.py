"""The campaign records checked against the audit chain (storage/chain_check.py runs this after
the chain itself verifies): each campaign row says what its `campaign.started` and
`campaign.closed` entries say, its frozen population still hashes to the root its launch
recorded, and every decision, delegation and sign-off row matches its own entry field by field,
one row per entry."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.campaigns import frozen_items
from storage.models import (
    AuditEvent,
    Campaign,
    CampaignDecision,
    CampaignDelegation,
    CampaignItem,
    CampaignSignoff,
)
from storage.population import PopulationRoot

STARTED, CLOSED = "campaign.started", "campaign.closed"
PAGE = 5000


@dataclass(frozen=True)
class RecordBreak:
    table: str
    seq: int | None
    reason: str


def campaign_break(session: Session) -> RecordBreak | None:
    """The first campaign record that disagrees with the chain, described; or None."""
    names = {c.id: c.name for c in session.exec(select(Campaign))}
    for campaign in session.exec(select(Campaign).order_by(col(Campaign.id))):
        found = _campaign_row(session, campaign) or _population(session, campaign)
        if found is not None:
            return found
    positions = _positions(session)
    for table, action, expected in (
        (CampaignDecision, "campaign.decided", _decided(names, positions)),
        (CampaignDelegation, "campaign.delegated", _delegated(names, positions)),
        (CampaignSignoff, "campaign.signed_off", _signed(names)),
    ):
        found = _records(session, table, action, expected)
        if found is not None:
            return found
    return _unrecorded_launch(session, set(names.values()))


def _event(session: Session, seq: int | None) -> AuditEvent | None:
    if seq is None:
        return None
    return session.exec(select(AuditEvent).where(AuditEvent.seq == seq)).first()


def _campaign_row(session: Session, campaign: Campaign) -> RecordBreak | None:
    started = _event(session, campaign.started_seq)
    expected = {
        "campaign": campaign.name,
        "due": campaign.due_on.isoformat(),
        "population": campaign.population_count,
        "root": campaign.population_root,
        "stale_reason": campaign.stale_reason,
    }
    bad = _mismatch(started, STARTED, campaign.started_by, campaign.started_at, None, expected)
    if bad is not None:
        return RecordBreak("campaign", campaign.started_seq, f"campaign {campaign.name!r}: {bad}")
    closed = _event(session, campaign.closed_seq)
    if campaign.closed_seq is None:
        if _closed_in_chain(session, campaign.name):
            return RecordBreak(
                "campaign", None, f"campaign {campaign.name!r} is closed in the chain, open here"
            )
        return None
    expected = {"campaign": campaign.name, "rule": str(campaign.close_rule)}
    bad = _mismatch(closed, CLOSED, campaign.closed_by, campaign.closed_at, None, expected)
    if bad is not None:
        return RecordBreak("campaign", campaign.closed_seq, f"campaign {campaign.name!r}: {bad}")
    return None


def _closed_in_chain(session: Session, name: str) -> bool:
    events = session.exec(select(AuditEvent).where(AuditEvent.action == CLOSED))
    return any(event.detail.get("campaign") == name for event in events)


def _population(session: Session, campaign: Campaign) -> RecordBreak | None:
    root = PopulationRoot()
    for item in frozen_items(session, campaign_id=campaign.id or 0):
        if item["position"] != root.count + 1:
            reason = f"item {root.count + 1} is missing from campaign {campaign.name!r}"
            return RecordBreak("campaign_item", None, reason)
        root.add(item)
    if root.count != campaign.population_count or root.hexdigest() != campaign.population_root:
        return RecordBreak(
            "campaign_item",
            None,
            f"the population of campaign {campaign.name!r} ({root.count} items) no longer"
            f" hashes to the root its launch recorded ({campaign.population_root[:16]})",
        )
    return None


def _positions(session: Session) -> dict[int, int]:
    rows = session.execute(sa.select(col(CampaignItem.id), col(CampaignItem.position)))
    return {row[0]: row[1] for row in rows}


Expected = Callable[[Any], tuple[str, Any, dict[str, Any]]]


def _decided(names: dict[int | None, str], positions: dict[int, int]) -> Expected:
    def expected(row: CampaignDecision) -> tuple[str, Any, dict[str, Any]]:
        return (
            row.decided_by,
            row.decided_at,
            {
                "campaign": names.get(row.campaign_id),
                "item": positions.get(row.item_id),
                "decision": str(row.decision),
                "previous": None if row.previous is None else str(row.previous),
                "lane": str(row.lane),
                "reason": row.reason,
                "_integration_id": row.integration_id,
            },
        )

    return expected


def _delegated(names: dict[int | None, str], positions: dict[int, int]) -> Expected:
    def expected(row: CampaignDelegation) -> tuple[str, Any, dict[str, Any]]:
        item = None if row.item_id is None else positions.get(row.item_id)
        return (
            row.delegated_by,
            row.delegated_at,
            {
                "campaign": names.get(row.campaign_id),
                "item": item,
                "delegate": row.delegate,
                "_integration_id": row.integration_id,
            },
        )

    return expected


def _signed(names: dict[int | None, str]) -> Expected:
    def expected(row: CampaignSignoff) -> tuple[str, Any, dict[str, Any]]:
        return (
            row.signed_by,
            row.signed_at,
            {
                "campaign": names.get(row.campaign_id),
                "decided": row.decided,
                "_integration_id": row.integration_id,
            },
        )

    return expected


def _records(session: Session, table: Any, action: str, expected: Expected) -> RecordBreak | None:
    """Each row against the entry its seq names, then one row per entry of that action."""
    name = table.__tablename__
    rows = 0
    for row, event in _joined(session, table):
        rows += 1
        actor, at, fields = expected(row)
        integration_id = fields.pop("_integration_id")
        bad = _mismatch(event, action, actor, at, integration_id, fields)
        if bad is not None:
            return RecordBreak(name, row.seq, bad)
    entries = session.execute(
        sa.select(sa.func.count()).where(col(AuditEvent.action) == action)
    ).scalar_one()
    if entries != rows:
        return RecordBreak(name, None, f"the chain has {entries} {action} entries, {rows} rows")
    return None


def _joined(session: Session, table: Any) -> Iterator[tuple[Any, AuditEvent | None]]:
    query = (
        select(table, AuditEvent)
        .join(AuditEvent, col(AuditEvent.seq) == table.seq, isouter=True)
        .order_by(table.seq)
        .execution_options(yield_per=PAGE)
    )
    for row in session.exec(query):
        yield row[0], row[1]


def _mismatch(
    event: AuditEvent | None,
    action: str,
    actor: str | None,
    at: Any,
    integration_id: int | None,
    fields: dict[str, Any],
) -> str | None:
    if event is None:
        return f"names no {action} entry of the chain"
    if event.action != action:
        return f"names seq {event.seq}, which is a {event.action} entry"
    if event.actor != actor or event.at != at:
        return f"who or when differs from its {action} entry (seq {event.seq})"
    if integration_id is not None and event.integration_id != integration_id:
        return f"its integration differs from its {action} entry (seq {event.seq})"
    for key, value in fields.items():
        if event.detail.get(key) != value:
            return f"{key} differs from its {action} entry (seq {event.seq})"
    return None


def _unrecorded_launch(session: Session, names: set[str]) -> RecordBreak | None:
    for event in session.exec(select(AuditEvent).where(AuditEvent.action == STARTED)):
        if event.detail.get("campaign") not in names:
            reason = f"the chain launched campaign {event.detail.get('campaign')!r}, which is gone"
            return RecordBreak("campaign", event.seq, reason)
    return None
