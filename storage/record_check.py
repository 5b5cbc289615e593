"""The other records the audit chain indexes, checked against it (storage/chain_check.py runs
this after the campaign records): each coverage claim, snooze, lane rule and finished sync run
must say what its chain entry says. One way only: an entry without its row is not reported,
since databases older than these checks hold entries written before the rows existed (the bot's
role may not delete these rows: storage/privileges.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.campaign_check import RecordBreak
from storage.models import AuditEvent, CoverageClaim, LaneRule, Snooze, SyncRun
from storage.vocabulary import SyncState

Fields = Callable[[Any], dict[str, Any]]


def _moment(value: Any) -> Any:
    """An ISO 8601 time from an entry's detail as a datetime (the same moment compares equal
    whatever offset it was written with); anything else as it is, to differ."""
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return value


def _claim(row: CoverageClaim) -> dict[str, Any]:
    return {
        "integration_id": row.integration_id,
        "actor": row.claimed_by,
        "at": row.claimed_at,
        "kind": str(row.kind),
        "after": row.value,
        "evidence": row.evidence_url,
        "expires_at": row.expires_at,
    }


def _claim_entry(event: AuditEvent) -> dict[str, Any]:
    detail = event.detail
    value = detail.get("value")
    return {
        "integration_id": event.integration_id,
        "actor": event.actor,
        "at": event.at,
        "kind": detail.get("kind"),
        "after": value[1] if isinstance(value, list) and len(value) == 2 else value,
        "evidence": detail.get("evidence"),
        "expires_at": _moment(detail.get("expires_at")),
    }


def _snooze(row: Snooze) -> dict[str, Any]:
    return {"actor": row.created_by, "at": row.created_at, "owner": row.owner, "until": row.until}


def _snooze_entry(event: AuditEvent) -> dict[str, Any]:
    detail = event.detail
    return {
        "actor": event.actor,
        "at": event.at,
        "owner": detail.get("owner"),
        "until": _moment(detail.get("until")),
    }


def _run(row: SyncRun) -> dict[str, Any]:
    return {
        "integration_id": row.integration_id,
        "action": "sync.finished" if row.state == SyncState.OK else "sync.failed",
        "at": row.finished_at,
        "connector": row.connector_kind,
        "started_at": row.started_at,
        "counts": (row.seen, row.created, row.updated, row.deactivated)
        if row.state == SyncState.OK
        else row.error,
    }


def _run_entry(event: AuditEvent) -> dict[str, Any]:
    detail = event.detail
    ok = event.action == "sync.finished"
    counts = tuple(detail.get(key) for key in ("seen", "created", "updated", "deactivated"))
    return {
        "integration_id": event.integration_id,
        "action": event.action,
        "at": event.at,
        "connector": detail.get("connector"),
        "started_at": _moment(detail.get("started_at")),
        "counts": counts if ok else detail.get("error"),
    }


# table, its id's key in the entry's detail, the actions, and both sides as comparable fields
BY_ID: tuple[tuple[Any, str, tuple[str, ...], Fields, Fields], ...] = (
    (CoverageClaim, "claim_id", ("coverage.claimed",), _claim, _claim_entry),
    (Snooze, "snooze_id", ("nudge.snoozed",), _snooze, _snooze_entry),
    (SyncRun, "run_id", ("sync.finished", "sync.failed"), _run, _run_entry),
)


def record_break(session: Session) -> RecordBreak | None:
    """The first claim, snooze, finished sync run or lane rule that disagrees with the chain."""
    for table, key, actions, fields, entry_fields in BY_ID:
        entries = {
            event.detail.get(key): event
            for event in session.exec(select(AuditEvent).where(col(AuditEvent.action).in_(actions)))
        }
        name = table.__tablename__
        for row in session.exec(select(table).order_by(table.id)):
            if table is SyncRun and row.state == SyncState.RUNNING:
                continue
            event = entries.pop(row.id, None)
            if event is None:
                return RecordBreak(name, None, f"{name} {row.id} has no entry in the chain")
            if fields(row) != entry_fields(event):
                return RecordBreak(name, event.seq, f"{name} {row.id} differs from its entry")
    return _rule_break(session)


def _rule_break(session: Session) -> RecordBreak | None:
    """Lane rules carry no id in their entry: each row must be one of the `rule.added` entries
    (integration, rule, answer, who, when)."""
    rows: Counter[tuple[Any, ...]] = Counter(
        (r.integration_id, f"{r.match}:{r.value}", str(r.answer), r.created_by, r.created_at)
        for r in session.exec(select(LaneRule))
    )
    entries: Counter[tuple[Any, ...]] = Counter(
        (e.integration_id, e.detail.get("rule"), e.detail.get("answer"), e.actor, e.at)
        for e in session.exec(select(AuditEvent).where(AuditEvent.action == "rule.added"))
    )
    if rows - entries:
        return RecordBreak("lane_rule", None, "the lane rules differ from their rule.added entries")
    return None
