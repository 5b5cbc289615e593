"""Migration 0007 chains the audit events a deployed database already holds, in id order after
the declarations, with the same hash the application computes; then guards them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from bot.authorization import Actor
from bot.integrations import change_owner
from storage import chain, migrate
from storage.chain import NewDeclaration, canonical_detail, event_hash
from storage.chain_check import verify_chain
from storage.engine import session_factory, session_scope
from storage.types import UtcDateTime
from storage.vocabulary import Answer
from tests.conftest import NOW, OWNER

REVISION = "0007_chained_events"
_SCRIPT = ScriptDirectory.from_config(migrate.alembic_config()).get_revision(REVISION)
assert _SCRIPT is not None
BEFORE = str(_SCRIPT.down_revision)
revision_0007 = _SCRIPT.module
WHEN = "'2026-11-30 14:30:00+00:00'"
# audit_event as 0006 left it, with the column types the application wrote it through.
OLD_EVENT_TABLE = sa.table(
    "audit_event",
    sa.column("id", sa.Integer),
    sa.column("at", UtcDateTime),
    sa.column("actor", sa.String),
    sa.column("action", sa.String),
    sa.column("integration_id", sa.Integer),
    sa.column("detail", sa.JSON),
)
OLD_EVENTS = (
    ("integration.registered", {"layer": "platform", "owner": OWNER, "backup_owner": None}),
    ("coverage.claimed", {"kind": "sso", "value": ["unknown", "enforced"], "note": "Zoë 契約"}),
    ("integration.owner_changed", {"owner": [OWNER, OWNER], "backup_owner": [None, "U0B"]}),
)


def _to(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        config = migrate.alembic_config(engine)
        config.attributes["connection"] = connection
        if revision == "heads":
            command.upgrade(config, revision)
        else:
            command.downgrade(config, revision)


def _deployed_database(engine: Engine) -> None:
    """What a database at 0006 holds: two chained declarations and three unchained events,
    the last of them recorded between the two declarations."""
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO integration (id, name, layer, owner, sso, scim, owner_active,"
                " connector_settings, created_by, created_at, updated_at) VALUES (1,"
                f" 'openai-platform', 'platform', '{OWNER}', 'unknown', 'unknown', true, '{{}}',"
                f" 'test', {WHEN}, {WHEN})"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO identity (id, integration_id, external_id, display_name, kind,"
                f" status, source, first_seen_at, last_seen_at) VALUES (1, 1, 'k1', 'k1',"
                f" 'api_key', 'active', 'manual', {WHEN}, {WHEN})"
            )
        )
        for n, (action, detail) in enumerate(OLD_EVENTS, start=1):
            connection.execute(
                sa.insert(OLD_EVENT_TABLE),
                {
                    "id": n * 10,
                    "at": NOW + timedelta(seconds=n),
                    "actor": OWNER,
                    "action": action,
                    "integration_id": 1,
                    "detail": detail,
                },
            )
    with session_scope(session_factory(engine)) as session:
        for answer in (Answer.WORKFORCE, Answer.CUSTOMER):
            chain.append(
                session,
                items=[
                    NewDeclaration(
                        identity_id=1,
                        integration_id=1,
                        answer=answer,
                        declared_by=OWNER,
                        declared_at=NOW,
                    )
                ],
            )


def test_upgrade_chains_existing_events_in_id_order_after_the_declarations(
    engine: Engine,
) -> None:
    _to(engine, BEFORE)
    _deployed_database(engine)
    with session_scope(session_factory(engine)) as session:
        head_before = session.execute(sa.text("SELECT hash FROM audit_chain_head")).scalar()

    _to(engine, "heads")

    with session_scope(session_factory(engine)) as session:
        check = verify_chain(session, anchor=str(head_before))
        events = session.execute(sa.text("SELECT id, seq FROM audit_event ORDER BY id")).all()
    assert (check.ok, check.declarations, check.events) == (True, 2, 3), check
    assert [tuple(row) for row in events] == [(10, 3), (20, 4), (30, 5)]


def test_after_the_upgrade_new_events_continue_the_chain_and_old_ones_are_guarded(
    engine: Engine,
) -> None:
    _to(engine, BEFORE)
    _deployed_database(engine)
    _to(engine, "heads")

    with session_scope(session_factory(engine)) as session:
        change_owner(
            session, actor=Actor(OWNER), name="openai-platform", backup_owner="U0BACKUP1", now=NOW
        )
    with session_scope(session_factory(engine)) as session:
        check = verify_chain(session)
    assert (check.ok, check.count) == (True, 6)
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), engine.begin() as connection:
        connection.exec_driver_sql("UPDATE audit_event SET actor = 'U0FORGED' WHERE id = 10")


def test_downgrade_refuses_once_declarations_follow_events(engine: Engine) -> None:
    _to(engine, BEFORE)
    _deployed_database(engine)
    _to(engine, "heads")
    with session_scope(session_factory(engine)) as session:
        chain.append(
            session,
            items=[
                NewDeclaration(
                    identity_id=1,
                    integration_id=1,
                    answer=Answer.REMOVE,
                    declared_by=OWNER,
                    declared_at=NOW,
                )
            ],
        )

    with pytest.raises(RuntimeError, match="cannot downgrade"):
        _to(engine, BEFORE)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {
            "detail": {
                "note": 'contractor "Zoë" \\ 契約者 😀\n\t\x01\x7f\u2028',
                "n": [1, 2.5, None],
            }
        },
        {"detail": {"b": {"z": 1, "a": True}, "a": []}, "integration_id": None},
        {"at": datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=-5)))},
        {"at": datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC)},
        {"actor": "sync:okta", "action": "sync.finished"},
    ],
)
def test_the_migration_hashes_events_as_the_application_does(changes: dict[str, Any]) -> None:
    fields = {
        "at": NOW,
        "actor": OWNER,
        "action": "integration.owner_changed",
        "integration_id": 3,
        "detail": {"owner": [OWNER, "U0OTHER"]},
        **changes,
    }
    fields["detail"] = canonical_detail(fields["detail"])

    assert revision_0007.event_hash("ab" * 32, 42, fields) == event_hash("ab" * 32, 42, fields)
