"""The audit chain: one append-only, hash-chained sequence of every state change (declarations
and audit events share one seq counter), its guards, its canonical hashes, and appending under
the head's row lock. Verifying it is storage/chain_check.py; its format is docs/evidence.md."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

# Re-exported from its old home; storage/append_only.py guards the tables now.
from storage.append_only import AppendOnlyError as AppendOnlyError
from storage.models import AuditChainHead, AuditEvent, Declaration, Identity
from storage.vocabulary import Answer


@dataclass(frozen=True)
class NewDeclaration:
    identity_id: int
    integration_id: int
    answer: Answer
    declared_by: str
    declared_at: datetime
    note: str | None = None
    rule_id: int | None = None


@dataclass(frozen=True)
class NewEvent:
    """A state change other than a declaration: `action` names its kind
    (`integration.owner_changed`, `coverage.claimed`, `sync.finished`...); `detail` is JSON."""

    at: datetime
    actor: str
    action: str
    integration_id: int | None = None
    detail: dict[str, Any] | None = None


def _timestamp(value: datetime) -> str:
    utc = value.astimezone(UTC)
    if utc.year < 1000:  # strftime does not pad such years; isoformat would
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return utc.isoformat(timespec="microseconds")[:26] + "Z"


def chain_hash(prev_hash: str, seq: int, fields: dict[str, Any]) -> str:
    """sha256 over the previous hash and a canonical JSON of the row's content.

    The canonical JSON is `json.dumps(content, sort_keys=True, separators=(",", ":"),
    ensure_ascii=False)` of seq, the ids, answer and previous as strings, declared_by,
    declared_at as `YYYY-MM-DDTHH:MM:SS.ffffffZ` in UTC, note and rule_id.
    """
    previous = fields["previous"]
    return _digest(
        prev_hash,
        seq,
        fields["identity_id"],
        fields["integration_id"],
        str(fields["answer"]),
        None if previous is None else str(previous),
        fields["declared_by"],
        _timestamp(fields["declared_at"]),
        fields["note"],
        fields["rule_id"],
    )


def _digest(prev_hash: str, *fields: Any) -> str:
    """sha256 of a declaration: its fields in declaration_body's order."""
    return hashlib.sha256(f"{prev_hash}\n{declaration_body(*fields)}".encode()).hexdigest()


def declaration_body(
    seq: Any,
    identity_id: Any,
    integration_id: Any,
    answer: Any,
    previous: Any,
    declared_by: Any,
    declared_at: str,
    note: Any,
    rule_id: Any,
) -> str:
    """The canonical JSON a declaration's hash covers (what an evidence package's chain.csv
    holds as its `content`)."""
    # The JSON of chain_hash's docstring, written out by hand: json.dumps was most of the cost
    # of verifying a long chain. The keys are in sorted order; every value is encoded as json
    # would encode it (tests compare the two on awkward values).
    text, number, null = _json_string, int.__repr__, "null"
    return (
        f'{{"answer":{text(answer) if type(answer) is str else _json(answer)},'
        f'"declared_at":{text(declared_at)},'
        f'"declared_by":{text(declared_by) if type(declared_by) is str else _json(declared_by)},'
        f'"identity_id":{number(identity_id) if type(identity_id) is int else _json(identity_id)},'
        f'"integration_id":'
        f"{number(integration_id) if type(integration_id) is int else _json(integration_id)},"
        f'"note":{null if note is None else _json(note)},'
        f'"previous":{null if previous is None else _json(previous)},'
        f'"rule_id":{null if rule_id is None else _json(rule_id)},'
        f'"seq":{number(seq) if type(seq) is int else _json(seq)}}}'
    )


def _json(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return _json_string(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    return json.dumps(value, ensure_ascii=False)  # whatever else a tampered row may hold


_json_string: Callable[[str], str] = json.encoder.encode_basestring

EVENT_ENTRY = "audit_event"


def canonical_detail(detail: dict[str, Any]) -> dict[str, Any]:
    """The detail as the JSON column gives it back (keys as strings, tuples as lists), so the
    hash computed before the insert is the hash of what a verifier reads. NaN is refused."""
    parsed: dict[str, Any] = json.loads(json.dumps(detail, allow_nan=False))
    return parsed


def event_hash(prev_hash: str, seq: int, fields: dict[str, Any]) -> str:
    """sha256 over the previous hash and the canonical JSON of an audit event.

    The JSON is `json.dumps(content, sort_keys=True, separators=(",", ":"),
    ensure_ascii=False)` of `{"entry": "audit_event", "seq", "at" (as for declarations),
    "actor", "action", "integration_id", "detail"}`; `entry` keeps an event from ever hashing
    like a declaration, and names the kind of entry for the kinds to come.
    """
    return event_digest(
        prev_hash,
        seq,
        _timestamp(fields["at"]),
        fields["actor"],
        fields["action"],
        fields["integration_id"],
        fields["detail"],
    )


def event_digest(
    prev_hash: str, seq: Any, at: str, actor: Any, action: Any, integration_id: Any, detail: Any
) -> str:
    body = event_body(seq, at, actor, action, integration_id, detail)
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def event_body(seq: Any, at: str, actor: Any, action: Any, integration_id: Any, detail: Any) -> str:
    """The canonical JSON an audit event's hash covers (chain.csv's `content`)."""
    content = {
        "entry": EVENT_ENTRY,
        "seq": seq,
        "at": at,
        "actor": actor,
        "action": action,
        "integration_id": integration_id,
        "detail": detail,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def append(session: Session, *, items: Sequence[NewDeclaration]) -> list[int]:
    """Append declarations in order and point each identity at its newest one.

    The head row is locked first (SELECT ... FOR UPDATE on PostgreSQL, the database write lock
    on SQLite), so two processes appending at once queue instead of forking the chain. The
    unique `seq`/`prev_hash` columns of each table are the second line of defence: a fork
    within one table cannot be stored (one across the two tables is caught by verify).
    """
    if not items:
        return []
    head = _locked_head(session)
    seq, prev_hash = head.seq, head.hash
    # Read under the head's lock, which orders every writer: a lane read before it could be
    # out of date by the time this row is written (two clicks at once, on two replicas).
    current = _current_answers(session, {item.identity_id for item in items})
    rows: list[dict[str, Any]] = []
    for item in items:
        seq += 1
        previous = current.get(item.identity_id)
        current[item.identity_id] = item.answer
        fields = {
            "identity_id": item.identity_id,
            "integration_id": item.integration_id,
            "answer": item.answer,
            "previous": previous,
            "declared_by": item.declared_by,
            "declared_at": item.declared_at,
            "note": item.note,
            "rule_id": item.rule_id,
        }
        digest = chain_hash(prev_hash, seq, fields)
        rows.append({**fields, "seq": seq, "prev_hash": prev_hash, "hash": digest})
        prev_hash = digest
    inserted = session.execute(
        sa.insert(Declaration).returning(col(Declaration.id), col(Declaration.seq)), rows
    ).all()
    ids_by_seq = {row.seq: row.id for row in inserted}
    newest: dict[int, int] = {}
    for row in rows:
        newest[row["identity_id"]] = ids_by_seq[row["seq"]]
    session.execute(
        sa.update(Identity),
        [{"id": identity, "current_declaration_id": decl} for identity, decl in newest.items()],
    )
    _move_head(session, head, seq, prev_hash)
    return [ids_by_seq[row["seq"]] for row in rows]


def append_events(session: Session, *, items: Sequence[NewEvent]) -> list[int]:
    """Append audit events in order, under the same head lock and seq counter as declarations;
    returns their row ids."""
    return [row_id for row_id, _ in _append_events(session, items)]


def append_events_seq(session: Session, *, items: Sequence[NewEvent]) -> list[int]:
    """`append_events`, returning each event's seq: what a record that indexes its chain entry
    (a campaign decision, delegation or sign-off) stores."""
    return [seq for _, seq in _append_events(session, items)]


def _append_events(session: Session, items: Sequence[NewEvent]) -> list[tuple[int, int]]:
    if not items:
        return []
    head = _locked_head(session)
    seq, prev_hash = head.seq, head.hash
    rows: list[dict[str, Any]] = []
    for item in items:
        seq += 1
        fields = {
            "at": item.at,
            "actor": item.actor,
            "action": item.action,
            "integration_id": item.integration_id,
            "detail": canonical_detail(item.detail or {}),
        }
        digest = event_hash(prev_hash, seq, fields)
        rows.append({**fields, "seq": seq, "prev_hash": prev_hash, "hash": digest})
        prev_hash = digest
    inserted = session.execute(
        sa.insert(AuditEvent).returning(col(AuditEvent.id), col(AuditEvent.seq)), rows
    ).all()
    ids_by_seq = {row.seq: row.id for row in inserted}
    _move_head(session, head, seq, prev_hash)
    return [(ids_by_seq[row["seq"]], row["seq"]) for row in rows]


def head_hash(session: Session) -> str:
    """The hash of the chain's last entry (what an auditor keeps to compare a later export)."""
    head = session.get(AuditChainHead, 1)
    return head.hash if head is not None else "0" * 64


def _locked_head(session: Session) -> AuditChainHead:
    """The head row, locked until the transaction ends (SELECT ... FOR UPDATE on PostgreSQL;
    SQLite's BEGIN IMMEDIATE already holds the database's write lock)."""
    # populate_existing: a head object left in the session by an earlier transaction must not
    # stand in for the row we just locked.
    return session.exec(
        select(AuditChainHead)
        .where(AuditChainHead.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _move_head(session: Session, head: AuditChainHead, seq: int, digest: str) -> None:
    head.seq, head.hash = seq, digest
    session.add(head)
    session.flush()


def _current_answers(session: Session, identity_ids: set[int]) -> dict[int, Answer | None]:
    """Each identity's current lane, as the chain records it now."""
    found: dict[int, Answer | None] = {}
    wanted = sorted(identity_ids)
    for start in range(0, len(wanted), 1000):
        rows = session.execute(
            sa.select(col(Identity.id), col(Declaration.answer))
            .join(Declaration, col(Declaration.id) == col(Identity.current_declaration_id))
            .where(col(Identity.id).in_(wanted[start : start + 1000]))
        )
        found.update({row[0]: Answer(row[1]) for row in rows})
    return found
