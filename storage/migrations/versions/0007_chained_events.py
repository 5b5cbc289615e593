"""audit_event joins the chain: seq, prev_hash and hash from the same head as declarations, and
the same append-only guard

Revision ID: 0007_chained_events
Revises: 0006_lookup_indexes
Create Date: 2026-12-11 10:00:00

Events recorded before this revision are chained here, in id order, after the last entry the
head records (every declaration so far): declarations keep their seq and hash, so a head
exported earlier is still in the chain. The hash is storage/chain.py's event_hash, written out
below rather than imported, so that this revision stays what it was when that module changes;
tests/storage/test_chained_events_migration.py checks that the two still agree.

Then the columns become NOT NULL and UNIQUE (SQLite rebuilds audit_event for that: nothing
points at it), and the database refuses UPDATE and DELETE on audit_event (and TRUNCATE on
PostgreSQL), as 0001 and 0003 do for declaration.
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from storage.types import UtcDateTime

revision: str = "0007_chained_events"
down_revision: str | Sequence[str] | None = "0006_lookup_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_MESSAGE = "audit events are append-only"
BATCH = 1000

_events = sa.table(
    "audit_event",
    sa.column("id", sa.Integer),
    sa.column("seq", sa.Integer),
    sa.column("at", UtcDateTime),
    sa.column("actor", sa.String),
    sa.column("action", sa.String),
    sa.column("integration_id", sa.Integer),
    sa.column("detail", sa.JSON),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)


def _timestamp(value: datetime) -> str:
    utc = value.astimezone(UTC)
    if utc.year < 1000:
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return utc.isoformat(timespec="microseconds")[:26] + "Z"


def event_hash(prev_hash: str, seq: int, fields: dict[str, Any]) -> str:
    content = {
        "entry": "audit_event",
        "seq": seq,
        "at": _timestamp(fields["at"]),
        "actor": fields["actor"],
        "action": fields["action"],
        "integration_id": fields["integration_id"],
        "detail": fields["detail"],
    }
    body = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    _chain_existing_events(op.get_bind())
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_event_seq"), ["seq"])
        batch_op.create_unique_constraint(batch_op.f("uq_audit_event_prev_hash"), ["prev_hash"])
        batch_op.create_unique_constraint(batch_op.f("uq_audit_event_hash"), ["hash"])
    _create_append_only_guard()


def _chain_existing_events(connection: sa.Connection) -> None:
    """Append every existing event, in id order, after the head; then move the head."""
    head = sa.table("audit_chain_head", sa.column("id"), sa.column("seq"), sa.column("hash"))
    seq, prev_hash = connection.execute(
        sa.select(head.c.seq, head.c.hash).where(head.c.id == 1).with_for_update()
    ).one()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(_events).where(_events.c.id > last_id).order_by(_events.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        updates = []
        for row in rows:
            seq += 1
            fields = {
                "at": row.at,
                "actor": row.actor,
                "action": row.action,
                "integration_id": row.integration_id,
                "detail": row.detail,
            }
            digest = event_hash(prev_hash, seq, fields)
            updates.append({"row_id": row.id, "seq": seq, "prev_hash": prev_hash, "hash": digest})
            prev_hash = digest
        connection.execute(
            _events.update()
            .where(_events.c.id == sa.bindparam("row_id"))
            .values(
                seq=sa.bindparam("seq"),
                prev_hash=sa.bindparam("prev_hash"),
                hash=sa.bindparam("hash"),
            ),
            updates,
        )
        last_id = rows[-1].id
    connection.execute(
        sa.text("UPDATE audit_chain_head SET seq = :seq, hash = :hash WHERE id = 1"),
        {"seq": seq, "hash": prev_hash},
    )


def _create_append_only_guard() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_event_no_{action.lower()} BEFORE {action} ON audit_event "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
        )


def downgrade() -> None:
    """Only back to the state right after the upgrade: while every event still comes after every
    declaration, the head moves back to the last declaration. Once they interleave, the old
    declaration-only chain would have gaps where the events were, so this refuses."""
    connection = op.get_bind()
    last_declaration = connection.execute(
        sa.text("SELECT seq, hash FROM declaration ORDER BY seq DESC LIMIT 1")
    ).first()
    first_event = connection.execute(sa.text("SELECT MIN(seq) FROM audit_event")).scalar()
    interleaved = last_declaration is not None and first_event is not None
    if interleaved and first_event < last_declaration.seq:  # type: ignore[union-attr]
        raise RuntimeError(
            "cannot downgrade below 0007_chained_events: declarations were appended after"
            " audit events, and the declaration-only chain would have gaps"
        )
    seq, digest = last_declaration if last_declaration is not None else (0, "0" * 64)
    connection.execute(
        sa.text("UPDATE audit_chain_head SET seq = :seq, hash = :hash WHERE id = 1"),
        {"seq": seq, "hash": digest},
    )
    if connection.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    else:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_event_no_{action}")
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_event_hash"), type_="unique")
        batch_op.drop_constraint(batch_op.f("uq_audit_event_prev_hash"), type_="unique")
        batch_op.drop_constraint(batch_op.f("uq_audit_event_seq"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
