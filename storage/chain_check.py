"""Verifying the audit chain: walk every entry (declarations and audit events) in seq order,
recompute every hash, check the head, then check the pointers derived from the chain; report
the first thing that breaks it (see storage/chain.py for how entries are hashed and appended)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from storage.campaign_check import campaign_break
from storage.chain import _digest, _timestamp, event_digest
from storage.chain_pointers import moved_identity, stale_pointer
from storage.models import GENESIS_HASH, AuditChainHead, AuditEvent, Declaration
from storage.record_check import record_break

DECLARATION = "declaration"
EVENT = "audit_event"
HEAD = "audit_chain_head"
IDENTITY = "identity"


@dataclass(frozen=True)
class ChainCheck:
    """The outcome: `table` and `broken_seq` say where the first break is (`broken_seq` is None
    when the break is not an entry: a derived pointer, or an exported head)."""

    ok: bool
    count: int
    broken_seq: int | None = None
    reason: str | None = None
    head_hash: str = GENESIS_HASH
    table: str | None = None
    declarations: int = 0
    events: int = 0

    @property
    def where(self) -> str:
        """`declaration seq 7`, `identity 12`, `audit_chain_head`: the first bad entry."""
        if self.table is None:
            return "against the exported head"
        if self.broken_seq is None:
            return self.table
        return f"{self.table} seq {self.broken_seq}"


def _content(row: Any) -> dict[str, Any]:
    return {
        "identity_id": row.identity_id,
        "integration_id": row.integration_id,
        "answer": row.answer,
        "previous": row.previous,
        "declared_by": row.declared_by,
        "declared_at": row.declared_at,
        "note": row.note,
        "rule_id": row.rule_id,
    }


@dataclass
class _Walk:
    expected_prev: str = GENESIS_HASH
    expected_seq: int = 1
    last_table: str | None = None
    declarations: int = 0
    events: int = 0

    @property
    def count(self) -> int:
        return self.declarations + self.events


def verify_chain(session: Session, *, batch: int = 5000, anchor: str | None = None) -> ChainCheck:
    """Walk the chain in order, recomputing every hash; report the first entry that breaks it,
    then check the head and every identity's current declaration against the chain.

    The head and the entries of both tables are read by one statement, so a writer committing
    meanwhile cannot make a sound chain look broken; the rows stream (nothing is held but the
    previous hash). `anchor` is a head hash exported earlier: the chain must still contain it,
    which catches a truncated chain, or a rewrite that recomputed every hash after it.

    Rows are read as the driver returns them, without the ORM's type conversions: an enum
    column hashes as its stored string (which is what str() of the member gives), and the
    timestamp goes through the column type only when it is not already in SQLite's canonical
    text form. So the hashed content is the same as for the typed row, at a fraction of the cost.
    """
    walk = _Walk()
    head_seq, head_hash = 0, GENESIS_HASH
    anchor_seen = anchor is None or anchor == GENESIS_HASH
    timestamp = _raw_timestamp(session)
    detail = _raw_detail(session)
    rows = 0
    entries = iter(_entries_in_order(session, batch))
    for row in entries:
        head_seq, head_hash, entry, rows = row[0], row[1], row[2], rows + 1
        broken = _break_in(row, walk, timestamp, detail)
        if broken is not None:
            twin = next(entries, None)  # which of two entries sharing a seq comes first is moot
            if twin is not None and twin[3] == row[3]:
                reason = f"seq {row[3]} is taken twice (by {entry} and {twin[2]}): a fork"
                return _broken(walk, row[3], entry, reason)
            return _broken(walk, broken[0], entry, broken[1])
        anchor_seen = anchor_seen or row[5] == anchor
        walk.expected_prev, walk.expected_seq, walk.last_table = row[5], row[3] + 1, entry
        if entry == DECLARATION:
            walk.declarations += 1
        else:
            walk.events += 1
    if rows == 0:
        head_seq, head_hash = _head(session)
    if head_seq != walk.count or head_hash != walk.expected_prev:
        return _broken(
            walk,
            None,
            HEAD,
            f"the chain head records {head_seq} entries ending in {head_hash[:16]}, found"
            f" {walk.count} ending in {walk.expected_prev[:16]} (entries deleted from the end,"
            " or appended without moving the head)",
        )
    if not anchor_seen:
        return _broken(walk, None, None, f"the exported head {anchor} is no longer in the chain")
    derived = _derived_break(session, walk)
    if derived is not None:
        return derived
    return ChainCheck(
        True,
        walk.count,
        head_hash=walk.expected_prev,
        declarations=walk.declarations,
        events=walk.events,
    )


def _derived_break(session: Session, walk: _Walk) -> ChainCheck | None:
    """What is derived from a sound chain, checked against it: the identities' pointers, then
    the campaign records (storage/campaign_check.py), and the claims, snoozes, sync runs and
    lane rules (storage/record_check.py)."""
    pointer = stale_pointer(session) or moved_identity(session)
    if pointer is not None:
        return _broken(walk, None, IDENTITY, pointer)
    record = campaign_break(session) or record_break(session)
    if record is not None:
        return _broken(walk, record.seq, record.table, record.reason)
    return None


def _broken(walk: _Walk, seq: int | None, table: str | None, reason: str) -> ChainCheck:
    return ChainCheck(
        False,
        walk.count,
        seq,
        reason,
        table=table,
        declarations=walk.declarations,
        events=walk.events,
    )


def _break_in(
    row: Any,
    walk: _Walk,
    timestamp: Callable[[Any], str],
    detail: Callable[[Any], Any],
) -> tuple[int, str] | None:
    """Where and why this entry breaks the chain, or None when it is sound."""
    (_, _, entry, seq, prev_hash, digest, at, identity_id, integration_id) = row[:9]
    (answer, previous, declared_by, note, rule_id, actor, action, raw_detail) = row[9:]
    if seq != walk.expected_seq:
        if isinstance(seq, int) and seq < walk.expected_seq:
            return seq, f"seq {seq} is taken twice (also by {walk.last_table}): a fork"
        return walk.expected_seq, f"seq {walk.expected_seq} is missing (an entry was deleted)"
    if prev_hash != walk.expected_prev:
        return seq, "prev_hash does not match the entry before (that entry was rewritten)"
    if entry == DECLARATION:
        content = _digest(
            prev_hash,
            seq,
            identity_id,
            integration_id,
            answer,
            previous,
            declared_by,
            timestamp(at),
            note,
            rule_id,
        )
    else:
        try:
            parsed = detail(raw_detail)
        except ValueError:
            return seq, "detail is not JSON"
        content = event_digest(prev_hash, seq, timestamp(at), actor, action, integration_id, parsed)
    return None if content == digest else (seq, "content does not match its hash (edited)")


# How SQLAlchemy stores a DateTime in SQLite: this text reads back as the same datetime, whose
# canonical form is the same digits with a T and a Z. Years before 1000 take the slow way.
_SQLITE_DATETIME = re.compile(
    r"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}"
)


def _raw_timestamp(session: Session) -> Callable[[Any], str]:
    """A timestamp as the driver returns it -> the canonical text the hashes cover."""
    dialect = session.get_bind().dialect
    column_type = sa.inspect(Declaration).local_table.c.declared_at.type
    convert = column_type.result_processor(dialect, None) or (lambda value: value)
    canonical = _SQLITE_DATETIME.fullmatch

    def timestamp(value: Any) -> str:
        if type(value) is str and canonical(value):
            return f"{value[:10]}T{value[11:]}Z"
        try:
            converted = convert(value)
        except (AttributeError, TypeError, ValueError):  # a value no writer of ours stores
            return repr(value)
        return _timestamp(converted) if isinstance(converted, datetime) else repr(converted)

    return timestamp


def _raw_detail(session: Session) -> Callable[[Any], Any]:
    """An event's detail as the driver returns it -> the value the hash covers. PostgreSQL's
    driver parses json itself; SQLite hands back the stored text."""
    if session.get_bind().dialect.name == "sqlite":
        return lambda value: None if value is None else json.loads(value)
    return lambda value: value


def _null(column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    return sa.cast(sa.null(), column.type)


def _entries_in_order(session: Session, batch: int) -> Iterator[Any]:
    """Every entry of both tables in seq order, from one statement, each row carrying the head
    as that statement's snapshot saw it.

    Each row: head seq, head hash, entry (its table's name), seq, prev_hash, hash, timestamp,
    identity_id, integration_id, answer, previous, declared_by, note, rule_id, actor, action,
    detail (NULL where the entry's table has no such column). Each arm is read in the order of
    its unique seq index and the two are merged, so nothing is sorted or held. The columns are
    untyped, so rows come back as the driver made them.
    """
    declaration = sa.inspect(Declaration).local_table
    event = sa.inspect(AuditEvent).local_table
    head = sa.inspect(AuditChainHead).local_table
    d, e = declaration.c, event.c

    def raw(*columns: sa.ColumnElement[Any]) -> list[sa.ColumnElement[Any]]:
        return [sa.type_coerce(column, sa.types.NullType()) for column in columns]

    def tip() -> list[sa.ColumnElement[Any]]:
        one = head.c.id == 1
        return raw(
            sa.select(head.c.seq).where(one).scalar_subquery(),
            sa.select(head.c.hash).where(one).scalar_subquery(),
        )

    declarations = sa.select(
        *tip(),
        sa.literal(DECLARATION).label("entry"),
        *raw(d.seq, d.prev_hash, d.hash, d.declared_at, d.identity_id, d.integration_id),
        *raw(d.answer, d.previous, d.declared_by, d.note, d.rule_id),
        *raw(_null(e.actor), _null(e.action), _null(e.detail)),
    )
    events = sa.select(
        *tip(),
        sa.literal(EVENT),
        *raw(e.seq, e.prev_hash, e.hash, e.at, _null(d.identity_id), e.integration_id),
        *raw(_null(d.answer), _null(d.previous), _null(d.declared_by), _null(d.note)),
        *raw(_null(d.rule_id), e.actor, e.action, e.detail),
    )
    query = (
        sa.union_all(declarations, events)
        .order_by(sa.text("seq"))
        .execution_options(yield_per=batch)
    )
    yield from session.execute(query)


def _head(session: Session) -> tuple[int, str]:
    """The head on its own, for a chain without entries (no row carried it)."""
    head = sa.inspect(AuditChainHead).local_table
    found = session.execute(sa.select(head.c.seq, head.c.hash).where(head.c.id == 1)).one()
    return int(found[0]), str(found[1])
