"""The two PostgreSQL roles of docs/sql/roles.sql: after `db upgrade` as the migration role, the
bot's role holds exactly the privileges the bot needs, is refused everything else on the record
tables (permission denied), cannot drop or disable the triggers, and nobody, not even the owner,
can TRUNCATE the declarations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlmodel import SQLModel
from typer.testing import CliRunner

from bot.cli import app
from storage import migrate, privileges
from storage.engine import make_engine
from storage.roles import ROLES_SQL
from tests.support.postgres_roles import (
    ROLES_SQL as ROLES_SQL_FILE,
)
from tests.support.postgres_roles import (
    Deployment,
    deployment,
    require_postgres_tools,
)

RECORDS = sorted(privileges.RECORD_TABLES)
# What the bot's role may do to each table, read back from PostgreSQL (has_table_privilege).
EXPECTED = {
    "alembic_version": {"SELECT"},
    "audit_chain_head": {"SELECT", "UPDATE"},
    "audit_event": {"SELECT", "INSERT"},
    "campaign": {"SELECT", "INSERT", "UPDATE"},
    "campaign_decision": {"SELECT", "INSERT"},
    "campaign_delegation": {"SELECT", "INSERT"},
    "campaign_item": {"SELECT", "INSERT"},
    "campaign_signoff": {"SELECT", "INSERT"},
    "coverage_claim": {"SELECT", "INSERT"},
    "declaration": {"SELECT", "INSERT"},
    "identity": {"SELECT", "INSERT", "UPDATE"},
    "integration": {"SELECT", "INSERT", "UPDATE"},
    "lane_rule": {"SELECT", "INSERT"},
    "nudge": {"SELECT", "INSERT", "UPDATE"},
    "slack_interaction": {"SELECT", "INSERT", "DELETE"},
    "slack_user": {"SELECT", "INSERT", "UPDATE"},
    "snooze": {"SELECT", "INSERT"},
    "sync_run": {"SELECT", "INSERT", "UPDATE"},
}
CHECKED = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


def test_docs_sql_roles_is_exactly_what_db_roles_prints() -> None:
    printed = CliRunner().invoke(app, ["db", "roles"])

    assert printed.exit_code == 0, printed.output
    assert printed.output == ROLES_SQL
    assert Path(ROLES_SQL_FILE).read_text(encoding="utf-8") == ROLES_SQL


def test_every_table_the_policy_names_exists() -> None:
    named = privileges.RECORD_TABLES | privileges.PRUNED_TABLES | privileges.HEAD_TABLES

    assert named <= set(SQLModel.metadata.tables)
    # A new table must be placed in the policy knowingly: the expectation below lists them all.
    assert set(EXPECTED) == privileges.known_tables()


@pytest.fixture(scope="module")
def deployed() -> Iterator[Deployment]:
    """roles.sql on an empty database, then every migration applied as the migration role."""
    admin = require_postgres_tools()
    with deployment(admin) as made:
        engine = make_engine(made.migrator_url)
        migrate.upgrade(engine)
        engine.dispose()
        yield made


def _connect(url: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(url, autocommit=True)


def _privileges(deployed: Deployment) -> dict[str, set[str]]:
    with _connect(deployed.admin_url) as admin:
        rows = admin.execute(
            "SELECT c.relname, p FROM pg_class c CROSS JOIN unnest(%s::text[]) p"
            " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'"
            " AND has_table_privilege(%s, c.oid, p)",
            (list(CHECKED), deployed.bot),
        ).fetchall()
        tables = admin.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace"
            " AND relkind = 'r'"
        ).fetchall()
    held: dict[str, set[str]] = {str(name): set() for (name,) in tables}
    for table, privilege in rows:
        held[str(table)].add(str(privilege))
    return held


def test_the_bot_role_holds_exactly_the_privileges_it_needs(deployed: Deployment) -> None:
    assert _privileges(deployed) == EXPECTED


def test_the_bot_role_may_use_every_sequence_but_not_set_one(deployed: Deployment) -> None:
    with _connect(deployed.admin_url) as admin:
        rows = admin.execute(
            "SELECT relname, has_sequence_privilege(%s, oid, 'USAGE'),"
            " has_sequence_privilege(%s, oid, 'UPDATE') FROM pg_class"
            " WHERE relnamespace = 'public'::regnamespace AND relkind = 'S'",
            (deployed.bot, deployed.bot),
        ).fetchall()

    assert len(rows) >= 10
    assert {name: (usage, update) for name, usage, update in rows} == {
        name: (True, False) for name, _, _ in rows
    }


@pytest.mark.parametrize("table", RECORDS)
@pytest.mark.parametrize(
    "statement",
    ["UPDATE {table} SET id = id", "DELETE FROM {table}", "TRUNCATE {table} CASCADE"],
    ids=["update", "delete", "truncate"],
)
def test_the_bot_role_cannot_change_a_record(
    deployed: Deployment, table: str, statement: str
) -> None:
    with (
        _connect(deployed.bot_url) as bot,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied for table"),
    ):
        bot.execute(statement.format(table=table))


@pytest.mark.parametrize("table", sorted(EXPECTED))
def test_the_bot_role_cannot_truncate_any_table(deployed: Deployment, table: str) -> None:
    with (
        _connect(deployed.bot_url) as bot,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied for table"),
    ):
        bot.execute(f"TRUNCATE {table} CASCADE")


@pytest.mark.parametrize(
    "statement",
    [
        "DROP TRIGGER declaration_append_only ON declaration",
        "DROP TRIGGER declaration_no_truncate ON declaration",
        "ALTER TABLE declaration DISABLE TRIGGER ALL",
        "DROP FUNCTION declaration_append_only() CASCADE",
        "CREATE TABLE bot_made (id int)",
        "DROP TRIGGER audit_event_append_only ON audit_event",
    ],
    ids=[
        "drop-update-trigger",
        "drop-truncate-trigger",
        "disable",
        "drop-function",
        "create",
        "drop-event-trigger",
    ],
)
def test_the_bot_role_cannot_touch_the_schema(deployed: Deployment, statement: str) -> None:
    with _connect(deployed.bot_url) as bot, pytest.raises(psycopg.errors.InsufficientPrivilege):
        bot.execute(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE declaration CASCADE",
        "TRUNCATE identity CASCADE",
        "TRUNCATE integration CASCADE",
        "TRUNCATE audit_event",
    ],
    ids=["declaration", "through-identity", "through-integration", "audit-event"],
)
def test_even_the_owner_cannot_truncate_the_chain(deployed: Deployment, statement: str) -> None:
    with (
        _connect(deployed.migrator_url) as owner,
        pytest.raises(
            psycopg.errors.RaiseException, match=r"(declarations|audit events) are append-only"
        ),
    ):
        owner.execute(statement)


def test_upgrade_takes_back_what_was_granted_by_hand(deployed: Deployment) -> None:
    with _connect(deployed.admin_url) as admin:
        admin.execute(f'GRANT ALL ON declaration, identity, alembic_version TO "{deployed.bot}"')
    engine = make_engine(deployed.migrator_url)

    migrate.upgrade(engine)
    engine.dispose()

    assert _privileges(deployed) == EXPECTED


def test_a_table_a_later_migration_creates_is_usable_by_the_bot(deployed: Deployment) -> None:
    with _connect(deployed.migrator_url) as owner:
        owner.execute("CREATE TABLE later_table (id serial PRIMARY KEY, note text)")
    try:
        with _connect(deployed.bot_url) as bot:
            bot.execute("INSERT INTO later_table (note) VALUES ('new')")
            bot.execute("UPDATE later_table SET note = 'changed'")
            assert bot.execute("SELECT note FROM later_table").fetchall() == [("changed",)]
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                bot.execute("DELETE FROM later_table")
    finally:
        with _connect(deployed.migrator_url) as owner:
            owner.execute("DROP TABLE later_table")
