"""The declaration chain: append (under the head's row lock), read back, verify."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Session, col, select

from storage.models import GENESIS_HASH, AuditChainHead, Declaration, Identity
from storage.vocabulary import Answer


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a declaration."""


@event.listens_for(Declaration, "before_update")
def _refuse_update(*_: Any) -> None:
    raise AppendOnlyError("declarations are append-only")


@event.listens_for(Declaration, "before_delete")
def _refuse_delete(*_: Any) -> None:
    raise AppendOnlyError("declarations are append-only")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_writes(state: ORMExecuteState) -> None:
    writes = state.is_update or state.is_delete
    if writes and state.bind_mapper is not None and state.bind_mapper.class_ is Declaration:
        raise AppendOnlyError("declarations are append-only")


@dataclass(frozen=True)
class NewDeclaration:
    identity_id: int
    integration_id: int
    answer: Answer
    previous: Answer | None
    declared_by: str
    declared_at: datetime
    note: str | None = None
    rule_id: int | None = None


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def chain_hash(prev_hash: str, seq: int, fields: dict[str, Any]) -> str:
    """sha256 over the previous hash and a canonical JSON of the row's content."""
    content = {
        "seq": seq,
        "identity_id": fields["identity_id"],
        "integration_id": fields["integration_id"],
        "answer": str(fields["answer"]),
        "previous": None if fields["previous"] is None else str(fields["previous"]),
        "declared_by": fields["declared_by"],
        "declared_at": _timestamp(fields["declared_at"]),
        "note": fields["note"],
        "rule_id": fields["rule_id"],
    }
    body = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def append(session: Session, *, items: Sequence[NewDeclaration]) -> list[int]:
    """Append declarations in order and point each identity at its newest one.

    The head row is locked first (SELECT ... FOR UPDATE on PostgreSQL, the database write lock
    on SQLite), so two processes appending at once queue instead of forking the chain. The
    unique `prev_hash` column is the second line of defence: a fork cannot be stored.
    """
    if not items:
        return []
    # populate_existing: a head object left in the session by an earlier transaction must not
    # stand in for the row we just locked.
    head = session.exec(
        select(AuditChainHead)
        .where(AuditChainHead.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    seq, prev_hash = head.seq, head.hash
    rows: list[dict[str, Any]] = []
    for item in items:
        seq += 1
        fields = {
            "identity_id": item.identity_id,
            "integration_id": item.integration_id,
            "answer": item.answer,
            "previous": item.previous,
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
    head.seq, head.hash = seq, prev_hash
    session.add(head)
    session.flush()
    return [ids_by_seq[row["seq"]] for row in rows]


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    count: int
    broken_seq: int | None = None
    reason: str | None = None
    head_hash: str = GENESIS_HASH


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


def verify_chain(session: Session, *, batch: int = 5000, anchor: str | None = None) -> ChainCheck:
    """Walk the chain in order, recomputing every hash; report the first row that breaks it.

    The head and the rows are read by one statement, so a writer committing meanwhile cannot
    make a sound chain look broken. `anchor` is a head hash exported earlier: the chain must
    still contain it, which catches a rewrite that recomputed every hash after it.
    """
    expected_prev, expected_seq, count = GENESIS_HASH, 1, 0
    head_seq, head_hash = 0, GENESIS_HASH
    anchor_seen = anchor is None or anchor == GENESIS_HASH
    for row in _rows_in_order(session, batch):
        head_seq, head_hash = row.head_seq, row.head_hash
        if row.seq is None:
            break  # no declarations at all; only the head came back
        if row.seq != expected_seq:
            return ChainCheck(False, count, expected_seq, f"row seq {expected_seq} is missing")
        if row.prev_hash != expected_prev:
            return ChainCheck(False, count, row.seq, "prev_hash does not match the row before")
        if chain_hash(row.prev_hash, row.seq, _content(row)) != row.hash:
            return ChainCheck(False, count, row.seq, "content does not match its hash")
        anchor_seen = anchor_seen or row.hash == anchor
        expected_prev, expected_seq, count = row.hash, expected_seq + 1, count + 1
    if head_seq != count or head_hash != expected_prev:
        return ChainCheck(
            False,
            count,
            count + 1,
            f"the chain head records {head_seq} rows ending in {head_hash[:16]}, found {count}"
            f" ending in {expected_prev[:16]}",
        )
    if not anchor_seen:
        return ChainCheck(
            False, count, None, f"the exported head {anchor} is no longer in the chain"
        )
    return ChainCheck(True, count, head_hash=expected_prev)


def _rows_in_order(session: Session, batch: int) -> Iterator[Any]:
    """Every declaration in seq order, each row carrying the head as one snapshot saw it."""
    table = sa.inspect(Declaration).local_table
    head = sa.inspect(AuditChainHead).local_table
    query = (
        sa.select(head.c.seq.label("head_seq"), head.c.hash.label("head_hash"), *table.c)
        .select_from(head.outerjoin(table, sa.true()))
        .where(head.c.id == 1)
        .order_by(table.c.seq)
        .execution_options(yield_per=batch)
    )
    yield from session.execute(query)
