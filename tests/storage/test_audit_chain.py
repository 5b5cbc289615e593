"""One chain of every state change: declarations and audit events interleave in one seq order,
and editing, deleting or reordering any entry, or pointing an identity at an older declaration,
makes verify fail naming it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.authorization import Actor
from bot.coverage import claim_coverage
from bot.declarations import declare
from bot.identities import add_identity
from bot.integrations import change_owner, register_integration
from bot.nudges.snooze import snooze
from bot.rules import add_rule
from storage.chain import AppendOnlyError
from storage.chain_check import ChainCheck, verify_chain
from storage.engine import session_factory, session_scope
from storage.models import AuditEvent
from storage.vocabulary import Answer, CoverageKind, Layer
from tests.conftest import BACKUP, NOW, OWNER

EVENT = sa.inspect(AuditEvent).local_table
# Entries of the `history` fixture, in seq order: (table, what).
HISTORY = [
    ("audit_event", "integration.registered"),
    ("audit_event", "integration.registered"),
    ("audit_event", "identity.added"),
    ("audit_event", "identity.added"),
    ("audit_event", "identity.added"),
    ("declaration", "customer"),
    ("audit_event", "integration.owner_changed"),
    ("declaration", "workforce"),
    ("audit_event", "coverage.claimed"),
    ("declaration", "workforce"),
    ("audit_event", "rule.added"),
    ("declaration", "customer"),
    ("audit_event", "nudge.snoozed"),
    ("declaration", "customer"),
    ("audit_event", "integration.owner_changed"),
]
OWNER_CHANGED_SEQ = 7  # an event in the middle
SECOND_DECLARATION_SEQ = 8  # a declaration in the middle


@pytest.fixture
def history(engine: Engine, owner: Actor) -> Engine:
    """Registrations, declarations, an owner change, a claim, a rule, a snooze, committed."""
    with session_scope(session_factory(engine)) as session:
        for name in ("acme-tenant", "globex-tenant"):
            register_integration(session, actor=owner, name=name, layer=Layer.APPLICATION, now=NOW)
        a, b, c = (
            add_identity(
                session, actor=owner, integration_name="acme-tenant", id_or_email=who, now=NOW
            ).id
            or 0
            for who in ("a@acme.com", "b@acme.com", "c@acme.com")
        )
        declare(session, actor=owner, identity_id=a, answer=Answer.CUSTOMER, now=NOW)
        change_owner(session, actor=owner, name="acme-tenant", backup_owner=BACKUP, now=NOW)
        declare(session, actor=owner, identity_id=b, answer=Answer.WORKFORCE, note="staff", now=NOW)
        claim_coverage(
            session,
            actor=owner,
            integration_name="acme-tenant",
            kind=CoverageKind.SSO,
            value="enforced",
            evidence_url="https://tickets.example/SEC-1",
            review_days=90,
            now=NOW,
        )
        declare(session, actor=owner, identity_id=a, answer=Answer.WORKFORCE, now=NOW)
        add_rule(
            session,
            actor=owner,
            integration_name="acme-tenant",
            rule="domain:acme.com",
            answer=Answer.CUSTOMER,
            now=NOW,
        )  # declares c, the only one still undeclared
        snooze(session, user_id=OWNER, owner=OWNER, length=timedelta(days=1), now=NOW)
        declare(session, actor=owner, identity_id=b, answer=Answer.CUSTOMER, now=NOW)
        change_owner(session, actor=owner, name="acme-tenant", backup_owner=None, now=NOW)
    assert c
    return engine


def _check(engine: Engine, anchor: str | None = None) -> ChainCheck:
    with session_scope(session_factory(engine)) as session:
        return verify_chain(session, anchor=anchor)


def _entries(engine: Engine) -> list[tuple[str, str]]:
    query = sa.text(
        "SELECT 'declaration', seq, answer FROM declaration"
        " UNION ALL SELECT 'audit_event', seq, action FROM audit_event ORDER BY 2"
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    assert [row[1] for row in rows] == list(range(1, len(rows) + 1))
    return [(row[0], row[2]) for row in rows]


def _drop_guards(connection: sa.Connection) -> None:
    """What a hostile schema owner does first: drop every trigger that refuses the edit."""
    if connection.dialect.name == "postgresql":
        for table in ("declaration", "audit_event"):
            connection.exec_driver_sql(f"DROP TRIGGER {table}_append_only ON {table}")
            connection.exec_driver_sql(f"DROP TRIGGER {table}_no_truncate ON {table}")
        return
    for table in ("declaration", "audit_event"):
        for action in ("update", "delete"):
            connection.exec_driver_sql(f"DROP TRIGGER {table}_no_{action}")


def test_every_state_change_is_an_entry_of_one_chain_in_one_seq_order(history: Engine) -> None:
    assert _entries(history) == HISTORY
    check = _check(history)
    assert (check.ok, check.count, check.declarations, check.events) == (True, 15, 5, 10)


def test_pointing_an_identity_at_an_older_declaration_fails_naming_it(history: Engine) -> None:
    with history.begin() as connection:
        older = connection.execute(
            sa.text("SELECT id FROM declaration WHERE seq = :s"), {"s": SECOND_DECLARATION_SEQ}
        ).scalar()
        # Identity b's newest declaration is seq 14 (customer); seq 8 said workforce.
        connection.execute(
            sa.text(
                "UPDATE identity SET current_declaration_id = :d WHERE external_id = 'b@acme.com'"
            ),
            {"d": older},
        )

    check = _check(history)

    assert (check.ok, check.table) == (False, "identity")
    assert "'b@acme.com'" in (check.reason or "")
    assert f"seq {SECOND_DECLARATION_SEQ}" in (check.reason or "")
    assert "seq 14" in (check.reason or "")


def test_clearing_an_identity_pointer_fails_naming_it(history: Engine) -> None:
    with history.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE identity SET current_declaration_id = NULL WHERE external_id = 'c@acme.com'"
        )

    check = _check(history)

    assert (check.ok, check.table) == (False, "identity")
    assert "'c@acme.com' shows no declaration" in (check.reason or "").replace(")", "")


def test_moving_a_declared_identity_to_another_integration_fails_naming_it(
    history: Engine,
) -> None:
    with history.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE identity SET integration_id = 2 WHERE external_id = 'a@acme.com'"
        )

    check = _check(history)

    assert (check.ok, check.table) == (False, "identity")
    assert "'a@acme.com') is in integration 2" in (check.reason or "")


@pytest.mark.parametrize(
    "assignment",
    [
        "actor = 'U0FORGED'",
        "action = 'integration.registered'",
        "integration_id = 2",
        "integration_id = NULL",
        """detail = '{"owner": ["U0OWNER01", "U0OWNER01"], "backup_owner": [null, null]}'""",
        "prev_hash = '" + "f" * 64 + "'",
    ],
)
def test_editing_one_column_of_an_event_fails_naming_it(history: Engine, assignment: str) -> None:
    with history.begin() as connection:
        _drop_guards(connection)
        connection.exec_driver_sql(
            f"UPDATE audit_event SET {assignment} WHERE seq = {OWNER_CHANGED_SEQ}"
        )

    check = _check(history)

    assert (check.ok, check.table, check.broken_seq) == (False, "audit_event", OWNER_CHANGED_SEQ)
    assert check.where == f"audit_event seq {OWNER_CHANGED_SEQ}"


def test_moving_an_event_by_one_microsecond_fails(history: Engine) -> None:
    with history.begin() as connection:
        _drop_guards(connection)
        row = connection.execute(sa.select(EVENT).where(EVENT.c.seq == OWNER_CHANGED_SEQ)).one()
        connection.execute(
            EVENT.update()
            .where(EVENT.c.seq == OWNER_CHANGED_SEQ)
            .values(at=row.at + timedelta(microseconds=1))
        )

    check = _check(history)

    assert (check.ok, check.table, check.broken_seq) == (False, "audit_event", OWNER_CHANGED_SEQ)


def test_rewriting_an_event_hash_fails_at_the_entry_after_it(history: Engine) -> None:
    with history.begin() as connection:
        _drop_guards(connection)
        connection.exec_driver_sql(
            f"UPDATE audit_event SET hash = '{'e' * 64}' WHERE seq = {OWNER_CHANGED_SEQ}"
        )

    check = _check(history)

    assert (check.ok, check.broken_seq) == (False, OWNER_CHANGED_SEQ)
    assert "content" in (check.reason or "")


@pytest.mark.parametrize(
    "assignment",
    [
        "identity_id = 3",
        "integration_id = 2",
        "answer = 'customer'",
        "previous = 'remove'",
        "declared_by = 'U0FORGED'",
        "note = 'justified after the fact'",
        "note = NULL",
        "rule_id = 1",
        "prev_hash = '" + "f" * 64 + "'",
    ],
)
def test_editing_one_column_of_a_declaration_fails_naming_it(
    history: Engine, assignment: str
) -> None:
    with history.begin() as connection:
        _drop_guards(connection)
        connection.exec_driver_sql(
            f"UPDATE declaration SET {assignment} WHERE seq = {SECOND_DECLARATION_SEQ}"
        )

    check = _check(history)

    assert (check.ok, check.where) == (False, f"declaration seq {SECOND_DECLARATION_SEQ}")


def test_deleting_the_last_entry_fails_at_the_head(history: Engine) -> None:
    with history.begin() as connection:
        _drop_guards(connection)
        connection.exec_driver_sql("DELETE FROM audit_event WHERE seq = 15")

    check = _check(history)

    assert (check.ok, check.table) == (False, "audit_chain_head")
    assert "records 15 entries" in (check.reason or "")


def test_a_truncated_tail_with_the_head_moved_back_fails_against_the_exported_head(
    history: Engine,
) -> None:
    exported = _check(history).head_hash
    with history.begin() as connection:
        _drop_guards(connection)
        connection.exec_driver_sql("DELETE FROM audit_event WHERE seq = 15")
        last = connection.execute(sa.text("SELECT hash FROM declaration WHERE seq = 14")).scalar()
        connection.execute(sa.text("UPDATE audit_chain_head SET seq = 14, hash = :h"), {"h": last})

    assert _check(history).ok  # consistent on its own
    check = _check(history, anchor=exported)
    assert (check.ok, check.table) == (False, None)
    assert exported in (check.reason or "")


def test_reordering_two_entries_fails(history: Engine) -> None:
    # The owner change (seq 7) and the declaration after it (seq 8) swap places.
    with history.begin() as connection:
        _drop_guards(connection)
        connection.exec_driver_sql("UPDATE audit_event SET seq = 1000 WHERE seq = 7")
        connection.exec_driver_sql("UPDATE declaration SET seq = 7 WHERE seq = 8")
        connection.exec_driver_sql("UPDATE audit_event SET seq = 8 WHERE seq = 1000")

    check = _check(history)

    assert (check.ok, check.where) == (False, "declaration seq 7")


def test_an_entry_sharing_a_seq_across_the_tables_is_a_fork(history: Engine) -> None:
    with history.begin() as connection:
        row = connection.execute(sa.select(EVENT).where(EVENT.c.seq == 15)).one()
        fork = {k: getattr(row, k) for k in row._fields if k not in ("id", "prev_hash", "hash")}
        connection.execute(
            sa.insert(EVENT), {**fork, "seq": 14, "prev_hash": "a" * 64, "hash": "b" * 64}
        )

    check = _check(history)

    assert not check.ok
    assert check.broken_seq == 14
    assert "fork" in (check.reason or "")


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET actor = 'x' WHERE seq = 7", "DELETE FROM audit_event WHERE seq = 15"],
)
def test_the_database_refuses_to_change_an_event(history: Engine, statement: str) -> None:
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), history.begin() as connection:
        connection.exec_driver_sql(statement)

    assert _check(history).ok


def test_postgres_refuses_to_truncate_the_events(history: Engine) -> None:
    if history.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), history.begin() as connection:
        connection.exec_driver_sql("TRUNCATE audit_event")


def test_the_orm_refuses_to_change_an_event(history: Engine) -> None:
    with Session(history) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.seq == 7)).one()
        event.actor = "U0FORGED"
        session.add(event)
        with pytest.raises(AppendOnlyError):
            session.flush()
    with Session(history) as session, pytest.raises(AppendOnlyError):
        session.execute(sa.delete(AuditEvent))


def test_an_event_written_around_the_chain_cannot_be_stored(history: Engine) -> None:
    with Session(history) as session:
        session.add(AuditEvent(at=NOW, actor=OWNER, action="integration.owner_changed"))
        with pytest.raises(sa.exc.IntegrityError):
            session.flush()
