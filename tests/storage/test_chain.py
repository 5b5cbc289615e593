"""The declaration chain: append-only at two levels, verified, and tamper-evident.

In the `declared` fixture the registration and the two identities added are events (seq 1-3)
and the five declarations are seq 4-8.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.authorization import Actor
from bot.declarations import declare
from bot.identities import add_identity
from bot.integrations import register_integration
from storage.chain import AppendOnlyError, chain_hash
from storage.chain_check import ChainCheck, _content, verify_chain
from storage.engine import session_factory, session_scope
from storage.models import Declaration
from storage.vocabulary import Answer, Layer
from tests.conftest import NOW

DECLARATION = sa.inspect(Declaration).local_table
# What a careful forger does after deleting declarations: point each identity at its newest.
REPOINT_TO_NEWEST = (
    "UPDATE identity SET current_declaration_id = (SELECT d.id FROM declaration d"
    " WHERE d.identity_id = identity.id ORDER BY d.seq DESC LIMIT 1)"
)


@pytest.fixture
def declared(engine: Engine, owner: Actor) -> Engine:
    """The registration and two identities (seq 1-3), then five declarations (seq 4-8)."""
    with session_scope(session_factory(engine)) as session:
        register_integration(
            session, actor=owner, name="acme-tenant", layer=Layer.APPLICATION, now=NOW
        )
        first, second = (
            add_identity(
                session, actor=owner, integration_name="acme-tenant", id_or_email=who, now=NOW
            )
            for who in ("a@acme.com", "b@acme.com")
        )
        for identity, answer in (
            (first, Answer.CUSTOMER),
            (second, Answer.CUSTOMER),
            (first, Answer.WORKFORCE),
            (second, Answer.REMOVE),
            (first, Answer.CUSTOMER),
        ):
            declare(session, actor=owner, identity_id=identity.id or 0, answer=answer, now=NOW)
    return engine


def _check(engine: Engine, anchor: str | None = None) -> ChainCheck:
    with session_scope(session_factory(engine)) as session:
        return verify_chain(session, anchor=anchor)


def _drop_guard(connection: sa.Connection) -> None:
    """What a DBA (or an attacker with a DBA's rights) can do before rewriting history."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("DROP TRIGGER declaration_append_only ON declaration")
    else:
        connection.exec_driver_sql("DROP TRIGGER declaration_no_update")
        connection.exec_driver_sql("DROP TRIGGER declaration_no_delete")


def test_verify_reports_ok_with_the_count(declared: Engine) -> None:
    check = _check(declared)

    assert (check.ok, check.count, check.broken_seq) == (True, 8, None)
    assert (check.declarations, check.events) == (5, 3)


def test_empty_chain_verifies(engine: Engine) -> None:
    with session_scope(session_factory(engine)) as session:
        check = verify_chain(session)

    assert (check.ok, check.count) == (True, 0)


def test_orm_refuses_to_update_a_declaration(declared: Engine) -> None:
    with Session(declared) as session:
        row = session.exec(select(Declaration).where(Declaration.seq == 4)).one()
        row.note = "changed my mind"
        session.add(row)

        with pytest.raises(AppendOnlyError):
            session.flush()


def test_orm_refuses_to_delete_a_declaration(declared: Engine) -> None:
    with Session(declared) as session:
        row = session.exec(select(Declaration).where(Declaration.seq == 4)).one()
        session.delete(row)

        with pytest.raises(AppendOnlyError):
            session.flush()


def test_orm_refuses_bulk_update_of_declarations(declared: Engine) -> None:
    with Session(declared) as session, pytest.raises(AppendOnlyError):
        session.execute(sa.update(Declaration).values(note="bulk"))


@pytest.mark.parametrize(
    "statement",
    ["UPDATE declaration SET note = 'x' WHERE seq = 4", "DELETE FROM declaration WHERE seq = 7"],
)
def test_database_trigger_refuses_raw_sql_changes(declared: Engine, statement: str) -> None:
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), declared.begin() as connection:
        connection.exec_driver_sql(statement)

    assert _check(declared).ok


def test_verify_finds_a_row_edited_with_raw_sql(declared: Engine) -> None:
    with declared.begin() as connection:
        _drop_guard(connection)
        connection.exec_driver_sql("UPDATE declaration SET answer = 'remove' WHERE seq = 5")
        connection.exec_driver_sql("UPDATE declaration SET answer = 'customer' WHERE seq = 6")

    check = _check(declared)

    assert (check.ok, check.broken_seq, check.count) == (False, 5, 4)
    assert "content" in check.reason


def test_verify_finds_a_rehashed_row_at_the_next_link(declared: Engine) -> None:
    with declared.begin() as connection:
        _drop_guard(connection)
        row = connection.execute(sa.select(DECLARATION).where(sa.text("seq = 4"))).one()
        forged = {**_content(row), "answer": Answer.WORKFORCE}
        digest = chain_hash(row.prev_hash, 4, forged)
        connection.execute(
            sa.text("UPDATE declaration SET answer = 'workforce', hash = :h WHERE seq = 4"),
            {"h": digest},
        )

    check = _check(declared)

    assert (check.ok, check.broken_seq) == (False, 5)
    assert "prev_hash" in check.reason


def test_verify_finds_a_deleted_middle_row(declared: Engine) -> None:
    with declared.begin() as connection:
        _drop_guard(connection)
        connection.exec_driver_sql("UPDATE identity SET current_declaration_id = NULL")
        connection.exec_driver_sql("DELETE FROM declaration WHERE seq = 4")

    check = _check(declared)

    assert (check.ok, check.broken_seq) == (False, 4)
    assert "missing" in check.reason


def test_verify_finds_the_last_row_deleted_through_the_head(declared: Engine) -> None:
    with declared.begin() as connection:
        _drop_guard(connection)
        connection.exec_driver_sql("UPDATE identity SET current_declaration_id = NULL")
        connection.exec_driver_sql("DELETE FROM declaration WHERE seq = 8")

    check = _check(declared)

    assert (check.ok, check.table, check.count) == (False, "audit_chain_head", 7)
    assert "head records 8 entries" in check.reason


def test_verify_with_an_exported_head_catches_a_rewritten_chain(declared: Engine) -> None:
    exported = _check(declared).head_hash
    with declared.begin() as connection:
        _drop_guard(connection)
        connection.exec_driver_sql("UPDATE identity SET current_declaration_id = NULL")
        connection.exec_driver_sql("DELETE FROM declaration WHERE seq = 8")
        connection.exec_driver_sql(REPOINT_TO_NEWEST)
        last = connection.execute(sa.text("SELECT hash FROM declaration WHERE seq = 7")).scalar()
        connection.execute(sa.text("UPDATE audit_chain_head SET seq = 7, hash = :h"), {"h": last})

    assert _check(declared).ok  # a consistent rewrite, on its own
    check = _check(declared, anchor=exported)
    assert not check.ok
    assert exported in check.reason


def test_verify_accepts_an_exported_head_still_in_the_chain(declared: Engine) -> None:
    exported = _check(declared).head_hash

    assert _check(declared, anchor=exported).ok


def test_a_fork_cannot_be_stored(declared: Engine) -> None:
    with declared.connect() as connection:
        last = connection.execute(sa.select(DECLARATION).where(DECLARATION.c.seq == 8)).one()
    sibling = {k: getattr(last, k) for k in last._fields if k not in ("id", "seq", "hash")}

    with pytest.raises(sa.exc.IntegrityError), declared.begin() as connection:
        connection.execute(sa.insert(DECLARATION), {**sibling, "seq": 9, "hash": "f" * 64})


def _reference_hash(prev_hash: str, seq: int, fields: dict[str, Any]) -> str:
    """The chain's definition, spelled with json.dumps: the hand-written encoder must match it."""
    content = {
        "seq": seq,
        "identity_id": fields["identity_id"],
        "integration_id": fields["integration_id"],
        "answer": str(fields["answer"]),
        "previous": None if fields["previous"] is None else str(fields["previous"]),
        "declared_by": fields["declared_by"],
        "declared_at": fields["declared_at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "note": fields["note"],
        "rule_id": fields["rule_id"],
    }
    body = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"note": 'contractor "Zoë" \\ 契約者 😀\n\t\x01\x7f\u2028'},
        {"note": "", "previous": Answer.CUSTOMER, "rule_id": 12},
        {"declared_by": "U0\"'<&>"},
        {"declared_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)},
        {"declared_at": datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=-5)))},
        {"declared_at": datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC)},
        {"identity_id": 10**12, "integration_id": 0},
    ],
)
def test_chain_hash_is_the_canonical_json_of_the_content(changes: dict[str, Any]) -> None:
    fields = {
        "identity_id": 7,
        "integration_id": 3,
        "answer": Answer.WORKFORCE,
        "previous": None,
        "declared_by": "U0123ABCD",
        "declared_at": NOW,
        "note": None,
        "rule_id": None,
        **changes,
    }

    assert chain_hash("ab" * 32, 42, fields) == _reference_hash("ab" * 32, 42, fields)


def test_verify_accepts_notes_with_quotes_and_non_ascii(engine: Engine, owner: Actor) -> None:
    with session_scope(session_factory(engine)) as session:
        register_integration(
            session, actor=owner, name="acme-tenant", layer=Layer.APPLICATION, now=NOW
        )
        identity = add_identity(
            session, actor=owner, integration_name="acme-tenant", id_or_email="a@acme.com", now=NOW
        )
        declare(
            session,
            actor=owner,
            identity_id=identity.id or 0,
            answer=Answer.WORKFORCE,
            note='staff "Zoë" \\ 契約者 😀',
            now=NOW.replace(microsecond=0),
        )

    assert _check(engine).ok


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE declaration SET note = 'justified after the fact' WHERE seq = 4",
        "UPDATE declaration SET declared_by = 'U0OTHER' WHERE seq = 4",
        "UPDATE declaration SET identity_id = 3 - identity_id WHERE seq = 4",
        "UPDATE declaration SET previous = 'customer' WHERE seq = 4",
    ],
)
def test_verify_finds_each_column_edited(declared: Engine, statement: str) -> None:
    with declared.begin() as connection:
        _drop_guard(connection)
        connection.exec_driver_sql(statement)

    check = _check(declared)

    assert (check.ok, check.broken_seq) == (False, 4)


def test_verify_finds_a_timestamp_moved_by_one_microsecond(declared: Engine) -> None:
    with declared.begin() as connection:
        _drop_guard(connection)
        row = connection.execute(sa.select(DECLARATION).where(DECLARATION.c.seq == 6)).one()
        connection.execute(
            DECLARATION.update()
            .where(DECLARATION.c.seq == 6)
            .values(declared_at=row.declared_at + timedelta(microseconds=1))
        )

    check = _check(declared)

    assert (check.ok, check.broken_seq) == (False, 6)
