"""Verifying the declaration chain: walk it in order, recompute every hash, report the first row
that breaks it (see storage/chain.py for how rows are hashed and appended)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from storage.chain import _digest, _timestamp
from storage.models import GENESIS_HASH, AuditChainHead, Declaration


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

    Rows are read as the driver returns them, without the ORM's type conversions: an enum
    column hashes as its stored string (which is what str() of the member gives), and the
    timestamp goes through the column type only when it is not already in SQLite's canonical
    text form. So the hashed content is the same as for the typed row, at a fraction of the cost.
    """
    expected_prev, expected_seq, count = GENESIS_HASH, 1, 0
    head_seq, head_hash = 0, GENESIS_HASH
    anchor_seen = anchor is None or anchor == GENESIS_HASH
    timestamp = _raw_timestamp(session)
    for row in _rows_in_order(session, batch):
        head_seq, head_hash, seq, digest = row[0], row[1], row[2], row[12]
        if seq is None:
            break  # no declarations at all; only the head came back
        broken = _break_in(row, expected_seq, expected_prev, timestamp)
        if broken is not None:
            return ChainCheck(False, count, *broken)
        anchor_seen = anchor_seen or digest == anchor
        expected_prev, expected_seq, count = digest, expected_seq + 1, count + 1
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


def _break_in(
    row: Any, expected_seq: int, expected_prev: str, timestamp: Callable[[Any], str]
) -> tuple[int, str] | None:
    """Where and why this row breaks the chain, or None when it is sound."""
    (_, _, seq, identity_id, integration_id, answer, previous, declared_by, declared_at) = row[:9]
    note, rule_id, prev_hash, digest = row[9:]
    if seq != expected_seq:
        return expected_seq, f"row seq {expected_seq} is missing"
    if prev_hash != expected_prev:
        return seq, "prev_hash does not match the row before"
    content = _digest(
        prev_hash,
        seq,
        identity_id,
        integration_id,
        answer,
        previous,
        declared_by,
        timestamp(declared_at),
        note,
        rule_id,
    )
    return None if content == digest else (seq, "content does not match its hash")


# How SQLAlchemy stores a DateTime in SQLite: this text reads back as the same datetime, whose
# canonical form is the same digits with a T and a Z. Years before 1000 take the slow way.
_SQLITE_DATETIME = re.compile(
    r"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}"
)


def _raw_timestamp(session: Session) -> Callable[[Any], str]:
    """declared_at as the driver returns it -> the canonical text chain_hash hashes."""
    dialect = session.get_bind().dialect
    column_type = sa.inspect(Declaration).local_table.c.declared_at.type
    convert = column_type.result_processor(dialect, None) or (lambda value: value)
    canonical = _SQLITE_DATETIME.fullmatch

    def timestamp(value: Any) -> str:
        if type(value) is str and canonical(value):
            return f"{value[:10]}T{value[11:]}Z"
        converted = convert(value)
        return _timestamp(converted) if isinstance(converted, datetime) else repr(converted)

    return timestamp


def _rows_in_order(session: Session, batch: int) -> Iterator[Any]:
    """Every declaration in seq order, each row carrying the head as one snapshot saw it.

    The columns are untyped, so rows come back as the driver made them.
    """
    table = sa.inspect(Declaration).local_table
    head = sa.inspect(AuditChainHead).local_table
    names = (
        "seq",
        "identity_id",
        "integration_id",
        "answer",
        "previous",
        "declared_by",
        "declared_at",
        "note",
        "rule_id",
        "prev_hash",
        "hash",
    )
    query = (
        sa.select(
            sa.type_coerce(head.c.seq, sa.types.NullType()),
            sa.type_coerce(head.c.hash, sa.types.NullType()),
            *(sa.type_coerce(table.c[name], sa.types.NullType()) for name in names),
        )
        .select_from(head.outerjoin(table, sa.true()))
        .where(head.c.id == 1)
        .order_by(table.c.seq)
        .execution_options(yield_per=batch)
    )
    yield from session.execute(query)
