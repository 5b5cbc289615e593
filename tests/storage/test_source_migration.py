"""Migration 0004 lets identity.source hold `anthropic`, on SQLite and PostgreSQL, without losing
a row of a database that already has identities with declarations pointing at them; going back
refuses while anthropic identities exist."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from storage import migrate

REVISION = "0004_anthropic_source"
# The revision just before it, where `anthropic` is not a source yet.
BEFORE = str(
    ScriptDirectory.from_config(migrate.alembic_config()).get_revision(REVISION).down_revision
)
WHEN = "'2026-11-30 14:30:00+00:00'"


def _to(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        config = migrate.alembic_config(engine)
        config.attributes["connection"] = connection
        if revision == "heads":
            command.upgrade(config, revision)
        else:
            command.downgrade(config, revision)


def _identity(connection: sa.Connection, row_id: int, source: str) -> None:
    connection.execute(
        sa.text(
            "INSERT INTO identity (id, integration_id, external_id, display_name, kind, status,"
            f" source, first_seen_at, last_seen_at) VALUES ({row_id}, 1, 'id-{row_id}', 'x',"
            f" 'api_key', 'active', :source, {WHEN}, {WHEN})"
        ),
        {"source": source},
    )


def _an_identity_with_a_declaration(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO integration (id, name, layer, owner, sso, scim, owner_active,"
                " connector_settings, created_by, created_at, updated_at) VALUES (1, 'claude',"
                f" 'platform', 'U0OWNER01', 'unknown', 'unknown', true, '{{}}', 'test', {WHEN},"
                f" {WHEN})"
            )
        )
        _identity(connection, 1, "openai")
        connection.execute(
            sa.text(
                "INSERT INTO declaration (id, seq, identity_id, integration_id, answer,"
                " declared_by, declared_at, prev_hash, hash) VALUES (1, 1, 1, 1, 'workforce',"
                f" 'U0OWNER01', {WHEN}, '{'0' * 64}', '{'1' * 64}')"
            )
        )
        connection.execute(sa.text("UPDATE identity SET current_declaration_id = 1"))


def _scalar(engine: Engine, sql: str) -> object:
    with engine.connect() as connection:
        return connection.execute(sa.text(sql)).scalar()


def test_upgrade_keeps_identities_and_their_declarations_and_accepts_anthropic(
    engine: Engine,
) -> None:
    _to(engine, BEFORE)
    _an_identity_with_a_declaration(engine)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        _identity(connection, 2, "anthropic")  # the old constraint refuses it

    _to(engine, "heads")

    with engine.begin() as connection:
        _identity(connection, 2, "anthropic")
    assert _scalar(engine, "SELECT count(*) FROM identity") == 2
    assert _scalar(engine, "SELECT identity_id FROM declaration") == 1
    assert _scalar(engine, "SELECT current_declaration_id FROM identity WHERE id = 1") == 1
    assert migrate.pending(engine) == []


def test_after_the_upgrade_an_unknown_source_is_still_refused(engine: Engine) -> None:
    _an_identity_with_a_declaration(engine)

    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        _identity(connection, 2, "somewhere-else")


# SQLite does not reflect expression indexes (migration 0006's `who` keys); the named ones suffice.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based")
def test_the_sqlite_rebuild_keeps_the_indexes_and_every_other_constraint(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("only SQLite rebuilds the table")
    indexes = {ix["name"] for ix in sa.inspect(engine).get_indexes("identity")}
    checks = {ck["name"] for ck in sa.inspect(engine).get_check_constraints("identity")}

    assert {"ix_identity_email", "ix_identity_external_id", "ix_identity_integration_id"} <= indexes
    assert checks == {"ck_identity_kind", "ck_identity_status", "ck_identity_source"}


def test_downgrade_refuses_while_anthropic_identities_exist(engine: Engine) -> None:
    _an_identity_with_a_declaration(engine)
    with engine.begin() as connection:
        _identity(connection, 2, "anthropic")

    with pytest.raises(RuntimeError, match="anthropic connector"):
        _to(engine, BEFORE)

    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM identity WHERE id = 2"))
    _to(engine, BEFORE)
    assert _scalar(engine, "SELECT identity_id FROM declaration") == 1
