"""Reading what an evidence package holds, streamed: the chain's entries with the exact content
their hashes cover, a campaign's frozen population and records, and the coverage, claims and
sync runs of the integrations in scope. Rows come back as the driver gives them (no ORM types):
values are cells, timestamps are the chain's canonical text (docs/evidence.md)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterator
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from storage.chain import _timestamp, declaration_body, event_body
from storage.models import (
    AuditChainHead,
    AuditEvent,
    CampaignDecision,
    CampaignDelegation,
    CampaignItem,
    CampaignSignoff,
    CoverageClaim,
    Declaration,
    Integration,
    SyncRun,
)

BATCH = 5000
Row = tuple[Any, ...]
# How SQLAlchemy stores a DateTime in SQLite; the canonical form is the same digits, T and Z.
_SQLITE_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}")


def _table(model: type[Any]) -> sa.Table:
    table = sa.inspect(model).local_table
    assert isinstance(table, sa.Table)
    return table


def _raw(*columns: sa.ColumnElement[Any]) -> list[sa.ColumnElement[Any]]:
    return [sa.type_coerce(column, sa.types.NullType()) for column in columns]


def timestamps(session: Session) -> Callable[[Any], str | None]:
    """A timestamp as the driver returns it -> `2026-11-30T14:30:00.000000Z` (None stays None)."""
    canonical = _SQLITE_DATETIME.fullmatch

    def timestamp(value: Any) -> str | None:
        if value is None:
            return None
        if type(value) is str:
            if canonical(value) and value[0] != "0":
                return f"{value[:10]}T{value[11:]}Z"
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return _timestamp(value)

    return timestamp


def head(session: Session) -> tuple[int, str]:
    table = _table(AuditChainHead)
    found = session.execute(sa.select(table.c.seq, table.c.hash).where(table.c.id == 1)).one()
    return int(found[0]), str(found[1])


def chain_entries(session: Session, *, upto: int) -> Iterator[tuple[int, str, str, str, str, str]]:
    """Every entry with seq <= `upto`, in seq order: seq, entry, prev_hash, hash, content (the
    canonical JSON its hash covers) and its timestamp."""
    d, e = _table(Declaration).c, _table(AuditEvent).c

    def null(column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
        return sa.cast(sa.null(), column.type)

    declarations = sa.select(
        sa.literal("declaration").label("entry"),
        *_raw(d.seq, d.prev_hash, d.hash, d.declared_at, d.identity_id, d.integration_id),
        *_raw(d.answer, d.previous, d.declared_by, d.note, d.rule_id),
        *_raw(null(e.actor), null(e.action), null(e.detail)),
    ).where(d.seq <= upto)
    events = sa.select(
        sa.literal("audit_event"),
        *_raw(e.seq, e.prev_hash, e.hash, e.at, null(d.identity_id), e.integration_id),
        *_raw(null(d.answer), null(d.previous), null(d.declared_by), null(d.note)),
        *_raw(null(d.rule_id), e.actor, e.action, e.detail),
    ).where(e.seq <= upto)
    query = sa.union_all(declarations, events).order_by(sa.text("seq"))
    timestamp = timestamps(session)
    sqlite = session.get_bind().dialect.name == "sqlite"
    for row in session.execute(query.execution_options(yield_per=BATCH)):
        (entry, seq, prev_hash, digest, at, identity_id, integration_id) = row[:7]
        (answer, previous, declared_by, note, rule_id, actor, action, detail) = row[7:]
        moment = timestamp(at) or ""
        if entry == "declaration":
            content = declaration_body(
                seq,
                identity_id,
                integration_id,
                answer,
                previous,
                declared_by,
                moment,
                note,
                rule_id,
            )
        else:
            parsed = json.loads(detail) if sqlite and detail is not None else detail
            content = event_body(seq, moment, actor, action, integration_id, parsed)
        yield seq, entry, prev_hash, digest, content, moment


def event_detail(session: Session, *, seq: int) -> dict[str, Any]:
    """The detail of the audit event at `seq` (a campaign's `campaign.started`)."""
    found = session.execute(
        sa.select(_table(AuditEvent).c.detail).where(_table(AuditEvent).c.seq == seq)
    )
    detail: dict[str, Any] = found.scalar_one()
    return detail


def scope_ids(session: Session, *, names: Collection[str]) -> list[int]:
    """The ids of the named integrations, with the parents whose syncs found them."""
    table = _table(Integration)
    query = sa.select(table.c.id, table.c.parent_id).where(table.c.name.in_(list(names)))
    ids: set[int] = set()
    for integration_id, parent_id in session.execute(query):
        ids.add(integration_id)
        if parent_id is not None:
            ids.add(parent_id)
    return sorted(ids)


def _among(column: sa.ColumnElement[Any], ids: Collection[int] | None) -> Any:
    return sa.true() if ids is None else column.in_(list(ids))


def _stream(session: Session, query: sa.Select[Any], times: Collection[int]) -> Iterator[Row]:
    timestamp = timestamps(session)
    for row in session.execute(query.execution_options(yield_per=BATCH)):
        yield tuple(timestamp(v) if i in times else v for i, v in enumerate(row))


def population(session: Session, *, campaign_id: int, fields: tuple[str, ...]) -> Iterator[Row]:
    item = _table(CampaignItem)
    query = (
        sa.select(*_raw(*(item.c[name] for name in fields)))
        .where(item.c.campaign_id == campaign_id)
        .order_by(item.c.position)
    )
    yield from session.execute(query.execution_options(yield_per=BATCH))


def decisions(session: Session, *, campaign_id: int, upto: int) -> Iterator[Row]:
    d, i = _table(CampaignDecision).c, _table(CampaignItem).c
    query = (
        sa.select(*_raw(d.seq, i.position, i.identity_id, i.external_id, i.integration))
        .add_columns(*_raw(d.decision, d.previous, d.lane, d.reason, d.decided_by, d.decided_at))
        .join_from(_table(CampaignDecision), _table(CampaignItem), i.id == d.item_id)
        .where(d.campaign_id == campaign_id, d.seq <= upto)
        .order_by(d.seq)
    )
    return _stream(session, query, {10})


def delegations(session: Session, *, campaign_id: int, upto: int) -> Iterator[Row]:
    d, i, n = _table(CampaignDelegation).c, _table(CampaignItem).c, _table(Integration).c
    query = (
        sa.select(*_raw(d.seq, n.name, i.position, i.external_id, d.delegate))
        .add_columns(*_raw(d.delegated_by, d.delegated_at))
        .join_from(_table(CampaignDelegation), _table(Integration), n.id == d.integration_id)
        .outerjoin(_table(CampaignItem), i.id == d.item_id)
        .where(d.campaign_id == campaign_id, d.seq <= upto)
        .order_by(d.seq)
    )
    return _stream(session, query, {6})


def signoffs(session: Session, *, campaign_id: int, upto: int) -> Iterator[Row]:
    s, n = _table(CampaignSignoff).c, _table(Integration).c
    query = (
        sa.select(*_raw(s.seq, n.name, s.decided, s.signed_by, s.signed_at))
        .join_from(_table(CampaignSignoff), _table(Integration), n.id == s.integration_id)
        .where(s.campaign_id == campaign_id, s.seq <= upto)
        .order_by(s.seq)
    )
    return _stream(session, query, {4})


def coverage(session: Session, *, ids: Collection[int] | None) -> Iterator[Row]:
    n = _table(Integration).c
    query = (
        sa.select(*_raw(n.id, n.name, n.layer, n.sso, n.sso_source, n.scim, n.scim_source))
        .where(_among(n.id, ids))
        .order_by(n.name)
    )
    return _stream(session, query, set())


def claims(session: Session, *, ids: Collection[int] | None) -> Iterator[Row]:
    c, n = _table(CoverageClaim).c, _table(Integration).c
    query = (
        sa.select(*_raw(c.id, c.integration_id, n.name, c.kind, c.value, c.evidence_url))
        .add_columns(*_raw(c.claimed_by, c.claimed_at, c.expires_at))
        .join_from(_table(CoverageClaim), _table(Integration), n.id == c.integration_id)
        .where(_among(c.integration_id, ids))
        .order_by(c.id)
    )
    return _stream(session, query, {7, 8})


def sync_runs(session: Session, *, ids: Collection[int] | None) -> Iterator[Row]:
    """Runs that ended (a running one has no chain entry yet), oldest first."""
    r, n = _table(SyncRun).c, _table(Integration).c
    query = (
        sa.select(*_raw(r.id, r.integration_id, n.name, r.connector_kind, r.started_at))
        .add_columns(*_raw(r.finished_at, r.seen, r.created, r.updated, r.deactivated))
        .add_columns(*_raw(r.state, r.error))
        .join_from(_table(SyncRun), _table(Integration), n.id == r.integration_id)
        .where(_among(r.integration_id, ids), r.state != "running")
        .order_by(r.id)
    )
    return _stream(session, query, {4, 5})
